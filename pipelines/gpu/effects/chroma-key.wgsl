/*{
  "name": "Chroma key",
  "description": "One colour (a green screen) made transparent, with its spill taken out of the edges.",
  "categories": ["Key"],
  "inputs": [
    { "name": "color", "type": "color", "default": "#00ff00", "label": "Key colour" },
    { "name": "tolerance", "type": "float", "min": 0, "max": 1, "default": 0.3, "label": "Tolerance" },
    { "name": "softness", "type": "float", "min": 0, "max": 1, "default": 0.1, "label": "Softness" },
    { "name": "spill", "type": "float", "min": 0, "max": 1, "default": 0.5, "label": "Spill removal" }
  ],
  "identity": { "tolerance": 0, "softness": 0, "spill": 0 }
}*/
fn chroma(c: vec3f) -> vec2f {
  return vec2f(dot(c, vec3f(-0.1146, -0.3854, 0.5)), dot(c, vec3f(0.5, -0.4542, -0.0458)));
}
fn render(uv: vec2f) -> vec4f {
  let c = input(uv);
  let d = distance(chroma(c.rgb), chroma(params.color.rgb)) + abs(luma(c.rgb) - luma(params.color.rgb)) * 0.25;
  var k = step(params.tolerance, d) * step(1e-4, d);
  if (params.softness > 0.0) { k = smoothstep(params.tolerance, params.tolerance + params.softness, d); }
  // Spill: the key colour's share pulled out of what stays.
  let keyed = params.color.rgb / max(max(params.color.r, max(params.color.g, params.color.b)), 1e-3);
  let amount = params.spill * (1.0 - k) * 0.5;
  let rgb = clamp(c.rgb - keyed * amount * luma(c.rgb), vec3f(0.0), vec3f(1.0));
  return vec4f(rgb, c.a * k);
}
