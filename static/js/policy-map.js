// The tracker's county map: the shipped us-atlas (already projected, Albers USA, 975x610) drawn
// as SVG paths, each county filled with its detainer policy's pattern from map.json, states with a
// policy of their own underneath. The table on the page says the same without the map.
(function () {
  "use strict";
  var figure = document.querySelector("[data-policy-map]");
  if (!figure || !window.topojson || !window.fetch) return;
  var SVG = "http://www.w3.org/2000/svg";
  var labels = JSON.parse(figure.getAttribute("data-labels"));
  var status = figure.querySelector("[data-map-status]");

  function element(name, attributes) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attributes).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    return node;
  }

  // The atlas is pre-projected: each ring is already a list of screen points.
  function ringsOf(geometry) {
    if (!geometry) return [];
    if (geometry.type === "Polygon") return geometry.coordinates;
    if (geometry.type === "MultiPolygon") return [].concat.apply([], geometry.coordinates);
    if (geometry.type === "MultiLineString") return geometry.coordinates;
    if (geometry.type === "LineString") return [geometry.coordinates];
    return [];
  }

  function pathData(geometry, closed) {
    return ringsOf(geometry).map(function (ring) {
      return "M" + ring.map(function (point) {
        return point[0].toFixed(1) + "," + point[1].toFixed(1);
      }).join("L") + (closed ? "Z" : "");
    }).join("");
  }

  function fillOf(key) { return key ? "url(#policy-pattern-" + key + ")" : "transparent"; }

  function shape(feature, key, name, link) {
    var path = element("path", { d: pathData(feature.geometry, true), fill: fillOf(key), "data-fips": feature.id });
    if (key) path.setAttribute("data-status", key);
    var title = element("title", {});
    title.textContent = name + ": " + (key ? labels[key] : labels.none);
    path.appendChild(title);
    if (!link) return path;
    var anchor = element("a", { href: link, class: "map-link" });
    anchor.appendChild(path);
    return anchor;
  }

  function draw(atlas, policies) {
    var stateNames = {};
    var svg = element("svg", {
      viewBox: "0 0 975 610", role: "group", "aria-label": figure.getAttribute("data-title"), class: "policy-map-svg"
    });
    var nation = topojson.feature(atlas, atlas.objects.nation);
    svg.appendChild(element("path", { d: pathData(nation.features[0].geometry, true), class: "map-land" }));
    var states = element("g", { class: "map-states" });
    topojson.feature(atlas, atlas.objects.states).features.forEach(function (feature) {
      stateNames[feature.id] = feature.properties.name;
      var key = policies.states[feature.id];
      if (key) states.appendChild(shape(feature, "state-" + key, feature.properties.name, policies.links[feature.id]));
    });
    svg.appendChild(states);
    var counties = element("g", { class: "map-counties" });
    topojson.feature(atlas, atlas.objects.counties).features.forEach(function (feature) {
      var name = feature.properties.name + ", " + (stateNames[feature.id.slice(0, 2)] || "");
      counties.appendChild(shape(feature, policies.counties[feature.id], name, policies.links[feature.id]));
    });
    svg.appendChild(counties);
    var borders = topojson.mesh(atlas, atlas.objects.states, function (a, b) { return a !== b; });
    svg.appendChild(element("path", { d: pathData(borders, false), class: "map-borders" }));
    var canvas = figure.querySelector("[data-map-canvas]");
    canvas.appendChild(svg);
    if (status) status.hidden = true;
    canvas.parentNode.insertBefore(zoomButton(canvas), canvas);
  }

  // On a phone the whole country is 360 px wide: twice the size, panned inside its frame,
  // a county can be seen and tapped.
  function zoomButton(canvas) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button secondary map-zoom";
    button.setAttribute("aria-pressed", "false");
    button.textContent = figure.getAttribute("data-zoom");
    button.addEventListener("click", function () {
      var zoomed = canvas.classList.toggle("zoomed");
      button.setAttribute("aria-pressed", String(zoomed));
      button.textContent = figure.getAttribute(zoomed ? "data-unzoom" : "data-zoom");
    });
    return button;
  }

  // The policies are asked for again at each visit (answered 304 while unchanged), so an
  // organizer who just recorded one sees it; the atlas never changes and comes from the cache.
  function json(url, cache) {
    return fetch(url, { credentials: "same-origin", cache: cache }).then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    });
  }

  Promise.all([json(figure.getAttribute("data-atlas"), "default"), json(figure.getAttribute("data-map"), "no-cache")])
    .then(function (found) { draw(found[0], found[1]); })
    .catch(function () { if (status) status.textContent = figure.getAttribute("data-failed"); });
})();
