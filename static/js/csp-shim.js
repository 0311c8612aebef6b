/* Senim: load before plotly.js.
 * The CSP forbids inline style attributes (style-src 'self'). plotly.js (through d3) sets some
 * with setAttribute("style", ...); route those through the CSSOM (element.style.cssText), which
 * the CSP allows. Only script-made attributes are affected; markup parsed from HTML is not. */
(function () {
  "use strict";
  var original = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function (name, value) {
    if (typeof name === "string" && name.toLowerCase() === "style") {
      this.style.cssText = String(value);
      return undefined;
    }
    return original.call(this, name, value);
  };
})();
