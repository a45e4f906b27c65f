/*{
  "name": "Luma key",
  "description": "Dark (or, inverted, bright) parts made transparent, to layer over another deck.",
  "categories": ["Key"],
  "inputs": [
    { "name": "threshold", "type": "float", "min": 0, "max": 1, "default": 0.2, "label": "Threshold" },
    { "name": "softness", "type": "float", "min": 0, "max": 0.5, "default": 0.05, "label": "Softness" },
    { "name": "invert", "type": "bool", "default": false, "label": "Invert" }
  ],
  "identity": { "threshold": 0, "softness": 0, "invert": false }
}*/
fn render(uv: vec2f) -> vec4f {
  let c = input(uv);
  var l = luma(c.rgb);
  if (params.invert > 0.5) { l = 1.0 - l; }
  var k = step(params.threshold, l);
  if (params.softness > 0.0) { k = smoothstep(params.threshold - params.softness, params.threshold + params.softness, l); }
  return vec4f(c.rgb, c.a * k);
}
