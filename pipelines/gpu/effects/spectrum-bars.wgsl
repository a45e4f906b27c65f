/*{
  "name": "Spectrum bars",
  "description": "The audio spectrum drawn as bars over the picture (low frequencies on the left).",
  "categories": ["Audio"],
  "inputs": [
    { "name": "bars", "type": "float", "min": 4, "max": 64, "default": 32, "label": "Bars" },
    { "name": "height", "type": "float", "min": 0, "max": 1, "default": 0.5, "label": "Height" },
    { "name": "color", "type": "color", "default": "#ffffff", "label": "Colour" },
    { "name": "opacity", "type": "float", "min": 0, "max": 1, "default": 0.8, "label": "Opacity" }
  ],
  "identity": { "opacity": 0 }
}*/
fn render(uv: vec2f) -> vec4f {
  let c = input(uv);
  let n = max(round(params.bars), 1.0);
  let bar = floor(uv.x * n);
  let level = spectrum((bar + 0.5) / n);
  // A gap between bars, and the bar rising from the bottom.
  let inBar = step(0.12, fract(uv.x * n)) * step(1.0 - level * params.height, uv.y);
  let k = inBar * params.opacity;
  return vec4f(mix(c.rgb, params.color.rgb, k), max(c.a, k));
}
