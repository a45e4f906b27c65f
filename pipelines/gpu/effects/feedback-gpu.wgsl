/*{
  "name": "Feedback (GPU)",
  "description": "Zoom / rotate / translate / hue-shift trails of the previous output, on the GPU: the feedback effect's parameters and look.",
  "categories": ["Time", "Geometry"],
  "identity": { "mix": 0 }
}*/
fn hueRotate(c: vec3f, degrees: f32) -> vec3f {
  let r = radians(degrees);
  let cs = cos(r);
  let sn = sin(r);
  let m = mat3x3f(
    vec3f(0.213 + cs * 0.787 - sn * 0.213, 0.213 - cs * 0.213 + sn * 0.143, 0.213 - cs * 0.213 - sn * 0.787),
    vec3f(0.715 - cs * 0.715 - sn * 0.715, 0.715 + cs * 0.285 + sn * 0.14, 0.715 - cs * 0.715 + sn * 0.715),
    vec3f(0.072 - cs * 0.072 + sn * 0.928, 0.072 - cs * 0.072 - sn * 0.283, 0.072 + cs * 0.928 + sn * 0.072));
  return clamp(m * c, vec3f(0.0), vec3f(1.0));
}
fn render(uv: vec2f) -> vec4f {
  let res = host.resolution;
  let p = uv * res;
  let centre = vec2f(params.centerX, params.centerY) * res;
  let a = radians(params.rotation);
  let cs = cos(a) / params.zoom;
  let sn = sin(a) / params.zoom;
  let d = p - centre - vec2f(params.translateX, params.translateY);
  let q = centre + vec2f(cs * d.x + sn * d.y, -sn * d.x + cs * d.y);
  // Outside the frame is transparent black, fading over the last pixel as the bilinear read does.
  let inside = clamp(q + 0.5, vec2f(0.0), vec2f(1.0)) * clamp(res + 0.5 - q, vec2f(0.0), vec2f(1.0));
  var fed = history(q / res) * inside.x * inside.y;
  if (fract(params.hueShift / 360.0) != 0.0) { fed = vec4f(hueRotate(fed.rgb, params.hueShift), fed.a); }
  fed *= 1.0 - params.decay;
  let c = input(uv);
  let key = i32(params.key);
  if (key == 1) {
    let k = params.mix * (1.0 - c.a);
    return vec4f(mix(c.rgb, fed.rgb, k), min(1.0, c.a + fed.a * k));
  }
  if (key == 2) {
    let k = params.mix * (1.0 - luma(c.rgb));
    return mix(c, fed, k);
  }
  return mix(c, fed, params.mix);
}
