/*{
  "name": "RGB split",
  "description": "Chromatic aberration: red and blue pulled apart along an angle, wider on the beat if asked.",
  "categories": ["Colour", "Glitch"],
  "inputs": [
    { "name": "amount", "type": "float", "min": 0, "max": 0.1, "default": 0.01, "label": "Amount" },
    { "name": "angle", "type": "float", "min": -180, "max": 180, "default": 0, "label": "Angle", "unit": "degrees" },
    { "name": "beatPulse", "type": "float", "min": 0, "max": 1, "default": 0, "label": "Beat pulse", "description": "Extra split at each beat, fading over it." }
  ],
  "identity": { "amount": 0, "beatPulse": 0 }
}*/
fn render(uv: vec2f) -> vec4f {
  let pulse = params.beatPulse * (1.0 - host.beatPhase) * 0.05;
  let d = vec2f(cos(radians(params.angle)), sin(radians(params.angle))) * (params.amount + pulse);
  let c = input(uv);
  let r = input(uv + d);
  let b = input(uv - d);
  return vec4f(r.r, c.g, b.b, max(c.a, max(r.a, b.a)));
}
