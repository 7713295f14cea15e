#!/usr/bin/env node
// `npx coocenter-relay --config api.conf`: the compiled relay entry point.
import '../dist/edge-relay/src/main.js';
