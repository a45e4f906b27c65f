/*{
  "name": "Kaleidoscope",
  "description": "Folds the picture into mirrored wedges around a centre.",
  "categories": ["Geometry"],
  "inputs": [
    { "name": "segments", "type": "float", "min": 2, "max": 16, "default": 6, "label": "Segments" },
    { "name": "rotation", "type": "float", "min": -180, "max": 180, "default": 0, "label": "Rotation", "unit": "degrees" },
    { "name": "center", "type": "point2D", "min": 0, "max": 1, "default": [0.5, 0.5], "label": "Centre" },
    { "name": "zoom", "type": "float", "min": 0.25, "max": 4, "default": 1, "label": "Zoom", "scale": "log" },
    { "name": "mix", "type": "float", "min": 0, "max": 1, "default": 1, "label": "Mix" }
  ],
  "identity": { "mix": 0 }
}*/
fn render(uv: vec2f) -> vec4f {
  let aspect = host.resolution.x / host.resolution.y;
  var p = (uv - params.center) * vec2f(aspect, 1.0) / params.zoom;
  let wedge = 6.2831853 / params.segments;
  var a = atan2(p.y, p.x) + radians(params.rotation);
  a = a - wedge * floor(a / wedge);
  // Every other wedge mirrored, so the edges meet.
  a = min(a, wedge - a);
  let r = length(p);
  let q = vec2f(cos(a), sin(a)) * r / vec2f(aspect, 1.0) + params.center;
  return mix(input(uv), input(clamp(q, vec2f(0.0), vec2f(1.0))), params.mix);
}
