/*{
  "name": "Tunnel",
  "description": "Polar mapping: the picture wrapped round a tunnel that flies forward with the clock.",
  "categories": ["Geometry"],
  "inputs": [
    { "name": "amount", "type": "float", "min": 0, "max": 1, "default": 1, "label": "Amount" },
    { "name": "speed", "type": "float", "min": -2, "max": 2, "default": 0.25, "label": "Speed", "description": "Tunnel lengths per beat." },
    { "name": "twist", "type": "float", "min": -4, "max": 4, "default": 0, "label": "Twist" },
    { "name": "repeat", "type": "float", "min": 1, "max": 8, "default": 1, "label": "Repeat" }
  ],
  "identity": { "amount": 0 }
}*/
fn render(uv: vec2f) -> vec4f {
  let aspect = host.resolution.x / host.resolution.y;
  let p = (uv - 0.5) * vec2f(aspect, 1.0);
  let r = max(length(p), 1e-4);
  let a = atan2(p.y, p.x) / 6.2831853 + 0.5;
  let depth = 0.25 / r + host.beat * params.speed;
  let q = vec2f(fract(a * params.repeat + params.twist * r), fract(depth));
  // Mirrored at the wrap so the seam does not show.
  let m = abs(q * 2.0 - 1.0);
  let t = input(m);
  let fog = smoothstep(0.0, 0.35, r);
  return mix(input(uv), vec4f(t.rgb * fog, t.a), params.amount);
}
