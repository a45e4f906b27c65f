/*{
  "name": "Warp",
  "description": "Noise displacement: the picture pushed around by a drifting noise field.",
  "categories": ["Distort"],
  "inputs": [
    { "name": "amount", "type": "float", "min": 0, "max": 0.2, "default": 0.03, "label": "Amount" },
    { "name": "scale", "type": "float", "min": 0.5, "max": 32, "default": 4, "label": "Scale", "scale": "log" },
    { "name": "speed", "type": "float", "min": 0, "max": 4, "default": 0.5, "label": "Speed" },
    { "name": "audio", "type": "float", "min": 0, "max": 1, "default": 0, "label": "Audio push", "description": "How much the low band adds to the amount." }
  ],
  "identity": { "amount": 0, "audio": 0 }
}*/
fn render(uv: vec2f) -> vec4f {
  let t = host.time * params.speed;
  let p = uv * params.scale;
  let n = vec2f(valueNoise(p + vec2f(t, 0.0)), valueNoise(p + vec2f(5.2, 1.3 - t))) * 2.0 - 1.0;
  let amount = params.amount + params.audio * host.bands.x * 0.1;
  return input(uv + n * amount);
}
