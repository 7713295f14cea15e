#!/usr/bin/env node
// `npx coocenter-cloud`: the cloud as one local process (compiled entry point).
import '../dist/cloud/src/local/main.js';
