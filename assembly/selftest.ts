// Placeholder: replaced by the codec self-test exports (codec_roundtrip ...).
export function codec_selftest_placeholder(): i32 { return 0; }
