#!/usr/bin/env -S node --max-semi-space-size=1
// `npx coocenter-relay --config api.conf`: the compiled relay entry point.
// The relay runs next to the PBX, often on a small box: a 1 MB young
// generation (instead of V8's 16 MB) keeps its resident memory low at a small
// CPU cost (bench/relay.ts measures both).
import '../dist/edge-relay/src/main.js';
