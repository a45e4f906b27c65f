/*{
  "name": "Film grain",
  "description": "Grain, scanlines and a vignette, for a filmed or broadcast look.",
  "categories": ["Stylize"],
  "inputs": [
    { "name": "grain", "type": "float", "min": 0, "max": 1, "default": 0.15, "label": "Grain" },
    { "name": "scanlines", "type": "float", "min": 0, "max": 1, "default": 0.3, "label": "Scanlines" },
    { "name": "lines", "type": "float", "min": 50, "max": 1080, "default": 360, "label": "Line count" },
    { "name": "vignette", "type": "float", "min": 0, "max": 1, "default": 0.2, "label": "Vignette" }
  ],
  "identity": { "grain": 0, "scanlines": 0, "vignette": 0 }
}*/
fn render(uv: vec2f) -> vec4f {
  let c = input(uv);
  let n = hash21(uv * host.resolution + vec2f(host.frame * 17.0, host.frame * 3.0)) - 0.5;
  var rgb = c.rgb + n * params.grain * 0.5;
  let line = 0.5 + 0.5 * cos(uv.y * params.lines * 6.2831853);
  rgb *= 1.0 - params.scanlines * line;
  let d = distance(uv, vec2f(0.5)) * 1.41421;
  rgb *= 1.0 - params.vignette * d * d;
  return vec4f(rgb, c.a);
}
