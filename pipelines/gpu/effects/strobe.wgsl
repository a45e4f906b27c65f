/*{
  "name": "Strobe",
  "description": "Flashes on the beat (or each audio onset): a colour over the picture for part of each step.",
  "categories": ["Light", "Rhythm"],
  "inputs": [
    { "name": "rate", "type": "long", "values": [0, 1, 2, 3, 4], "labels": ["1/4 beat", "1/2 beat", "beat", "2 beats", "bar"], "default": 2, "label": "Rate" },
    { "name": "duty", "type": "float", "min": 0.01, "max": 1, "default": 0.25, "label": "Flash length" },
    { "name": "color", "type": "color", "default": "#ffffff", "label": "Colour" },
    { "name": "amount", "type": "float", "min": 0, "max": 1, "default": 1, "label": "Amount" },
    { "name": "onOnset", "type": "bool", "default": false, "label": "On audio onsets" }
  ],
  "identity": { "amount": 0 }
}*/
fn render(uv: vec2f) -> vec4f {
  let c = input(uv);
  let lengths = array<f32, 5>(0.25, 0.5, 1.0, 2.0, 4.0);
  let steps = lengths[u32(clamp(params.rate, 0.0, 4.0))];
  let beats = select(host.beat, host.bar * 4.0, params.rate > 3.5);
  let phase = fract(beats / steps);
  var flash = select(0.0, 1.0, phase < params.duty);
  if (params.onOnset > 0.5) { flash = host.onset; }
  let k = flash * params.amount;
  return vec4f(mix(c.rgb, params.color.rgb, k), max(c.a, k));
}
