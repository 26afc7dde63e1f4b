// Builds elements from data without innerHTML: every text from the server stays text.
export function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') element.className = value;
    else if (name === 'text') element.textContent = value;
    else element.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false || child === '') continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** A definition list of label → value rows, skipping empty values. */
export function details(rows) {
  return el('dl', { class: 'details' }, rows.filter(([, value]) => value !== undefined && value !== null && value !== '')
    .flatMap(([label, value]) => [el('dt', {}, label), el('dd', {}, value)]));
}

/** A table with a caption, header cells and rows of cells. */
export function table(caption, headers, rows) {
  return el('table', {},
    el('caption', {}, caption),
    el('thead', {}, el('tr', {}, headers.map(h => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, rows.map(cells => el('tr', {}, cells.map((c, i) => (i === 0 ? el('th', { scope: 'row' }, c) : el('td', {}, c)))))));
}

/** A code with its display: カルボシステイン錠 (YJ 2233002F1280). */
export function coded({ text, codes }) {
  return el('span', { class: 'coded' }, text, codes.length ? el('span', { class: 'code' }, codes.join(', ')) : null);
}
