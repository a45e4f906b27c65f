/*{
  "name": "Colour adjust",
  "description": "Levels (black and white points, gamma), brightness, contrast, saturation and hue.",
  "categories": ["Colour"],
  "inputs": [
    { "name": "brightness", "type": "float", "min": -1, "max": 1, "default": 0, "label": "Brightness" },
    { "name": "contrast", "type": "float", "min": 0, "max": 3, "default": 1, "label": "Contrast" },
    { "name": "saturation", "type": "float", "min": 0, "max": 3, "default": 1, "label": "Saturation" },
    { "name": "hue", "type": "float", "min": -180, "max": 180, "default": 0, "label": "Hue", "unit": "degrees" },
    { "name": "gamma", "type": "float", "min": 0.2, "max": 5, "default": 1, "label": "Gamma", "scale": "log" },
    { "name": "blackPoint", "type": "float", "min": 0, "max": 0.99, "default": 0, "label": "Black point" },
    { "name": "whitePoint", "type": "float", "min": 0.01, "max": 1, "default": 1, "label": "White point" }
  ],
  "identity": {}
}*/
fn render(uv: vec2f) -> vec4f {
  let c = input(uv);
  var rgb = clamp((c.rgb - params.blackPoint) / max(params.whitePoint - params.blackPoint, 1e-3), vec3f(0.0), vec3f(1.0));
  rgb = pow(rgb, vec3f(1.0 / params.gamma));
  rgb = (rgb - 0.5) * params.contrast + 0.5 + params.brightness;
  if (params.hue != 0.0) {
    var hsv = rgb2hsv(clamp(rgb, vec3f(0.0), vec3f(1.0)));
    hsv.x = fract(hsv.x + params.hue / 360.0);
    rgb = hsv2rgb(hsv);
  }
  let grey = luma(rgb);
  rgb = mix(vec3f(grey), rgb, params.saturation);
  return vec4f(rgb, c.a);
}
