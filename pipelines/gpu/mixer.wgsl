/*{
  "name": "Mixer (GPU)",
  "description": "The A/B mixer on the GPU, for two decks that both end on it: the mixer's own parameters and modes, as the CPU mixes them."
}*/
// input(uv) is deck A, previousPass(uv) deck B; params.mode is the mode's index in mixerParams.
fn render(uv: vec2f) -> vec4f {
  let a = input(uv);
  let b = previousPass(uv);
  let x = params.crossfade;
  let mode = i32(params.mode + 0.5);
  if (mode == 4) {
    // alpha: A over B through A's alpha, A faded out by the crossfader; opaque.
    let w = a.a * max(0.0, 1.0 - x);
    return vec4f(mix(b.rgb, a.rgb, w), 1.0);
  }
  if (mode == 0) { return mix(a, b, x); }
  var blended = a.rgb + b.rgb * x;
  if (mode == 2) { blended = mix(a.rgb, a.rgb * b.rgb, x); }
  if (mode == 3) { blended = mix(a.rgb, 1.0 - (1.0 - a.rgb) * (1.0 - b.rgb), x); }
  return vec4f(blended, max(a.a, b.a));
}
