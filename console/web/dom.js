// Builds the page's elements from API data. Everything from the API is untrusted text, so
// it only ever reaches the page through textContent and setAttribute: never as HTML. Links
// point only at the console's own routes, each part encoded.

export function $(id) {
  return document.getElementById(id);
}

// el('td', {class: 'x', title: full, dataset: {col: 'title'}}, child, 'text', ...)
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name === 'text') node.textContent = value;
    else if (name === 'dataset') Object.assign(node.dataset, value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// Children with a space between each, so that the text reads (and copies) as words.
export function spaced(...children) {
  return children.filter((c) => c !== undefined && c !== null && c !== false).flatMap((c, i) => (i ? [' ', c] : [c]));
}

// A cell's text; long values are cut by CSS, so the whole text is also its tooltip.
export function setText(node, value, tooltip = value) {
  const s = value === undefined || value === null ? '' : String(value);
  if (node.textContent !== s) node.textContent = s;
  const tip = tooltip === undefined || tooltip === null ? '' : String(tooltip);
  if (tip) {
    if (node.getAttribute('title') !== tip) node.setAttribute('title', tip);
  } else if (node.hasAttribute('title')) {
    node.removeAttribute('title');
  }
}

export function cell(col, value, tooltip = value) {
  const td = el('td', {dataset: {col}});
  setText(td, value, tooltip);
  return td;
}

// The severity label: a colour and the word, so it does not rely on colour alone.
export function severityBadge(severity, name) {
  const n = [1, 2, 3, 4].includes(severity) ? severity : 0;
  return el('span', {class: `sev sev-${n}`, title: `severity ${severity}`, text: name});
}

export function route(...parts) {
  return '#/' + parts.map((p) => encodeURIComponent(String(p))).join('/');
}

export function incidentRoute(sensor, id) {
  return route('incident', sensor, id);
}

// "SENSOR/ID": the id is digits, so the sensor is everything before the last slash.
export function splitKey(key) {
  const s = String(key ?? '');
  const at = s.lastIndexOf('/');
  return at > 0 && at < s.length - 1 ? {sensor: s.slice(0, at), id: s.slice(at + 1)} : null;
}

export function clear(node) {
  node.replaceChildren();
}

// Copies each filter input's trimmed value (`inputs`: filter name -> element id) into
// `filters`; whether any changed.
export function readFilters(filters, inputs) {
  let changed = false;
  for (const [name, id] of Object.entries(inputs)) {
    const value = $(id).value.trim();
    if (filters[name] !== value) {
      filters[name] = value;
      changed = true;
    }
  }
  return changed;
}
