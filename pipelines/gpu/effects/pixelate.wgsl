/*{
  "name": "Pixelate",
  "description": "Mosaic: the picture in square blocks of one colour.",
  "categories": ["Stylize"],
  "inputs": [
    { "name": "size", "type": "float", "min": 1, "max": 128, "default": 8, "label": "Block size", "unit": "pixels", "scale": "log" }
  ],
  "identity": { "size": 1 }
}*/
fn render(uv: vec2f) -> vec4f {
  let px = uv * host.resolution;
  let block = max(params.size, 1.0);
  let centre = (floor(px / block) + 0.5) * block;
  return input(min(centre, host.resolution - 0.5) / host.resolution);
}
