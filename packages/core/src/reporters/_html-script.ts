/**
 * The page's only script: theme toggle, findings filters (text, severity, check, state), sortable
 * columns and the "show findings" buttons of the check sections. It reads only the document (no
 * data is embedded in script) and makes no requests. Without it the page is complete and static.
 */
export const HTML_SCRIPT = String.raw`(function () {
  'use strict';
  var doc = document;
  var root = doc.documentElement;
  var KEY = 'mlwarden-report-theme';

  function stored() {
    try { return window.localStorage.getItem(KEY); } catch (e) { return null; }
  }
  function store(value) {
    try { window.localStorage.setItem(KEY, value); } catch (e) { /* sandboxed frame */ }
  }
  var media = window.matchMedia ? window.matchMedia('(prefers-color-scheme: dark)') : null;
  function effectiveTheme() {
    var set = root.getAttribute('data-theme');
    if (set === 'light' || set === 'dark') return set;
    return media && media.matches ? 'dark' : 'light';
  }
  var saved = stored();
  if (saved === 'light' || saved === 'dark') root.setAttribute('data-theme', saved);
  var toggle = doc.getElementById('theme-toggle');
  function showTheme() {
    toggle.setAttribute('aria-pressed', effectiveTheme() === 'dark' ? 'true' : 'false');
  }
  if (toggle) {
    toggle.hidden = false;
    showTheme();
    toggle.addEventListener('click', function () {
      var next = effectiveTheme() === 'dark' ? 'light' : 'dark';
      root.setAttribute('data-theme', next);
      store(next);
      showTheme();
    });
    if (media && media.addEventListener) media.addEventListener('change', showTheme);
  }

  var table = doc.getElementById('findings-table');
  if (!table) return;
  var tbody = table.tBodies[0];
  var rows = Array.prototype.slice.call(tbody.rows);
  var texts = rows.map(function (row) { return row.textContent.toLowerCase(); });
  var form = doc.getElementById('findings-filters');
  var search = doc.getElementById('filter-text');
  var severity = doc.getElementById('filter-severity');
  var check = doc.getElementById('filter-check');
  var state = doc.getElementById('filter-state');
  var count = doc.getElementById('findings-count');
  var empty = doc.getElementById('findings-empty');

  function apply() {
    var terms = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    rows.forEach(function (row, i) {
      var ok = (!severity.value || row.getAttribute('data-severity') === severity.value) &&
        (!check.value || row.getAttribute('data-check') === check.value) &&
        (!state.value || row.getAttribute('data-state') === state.value) &&
        terms.every(function (t) { return texts[i].indexOf(t) !== -1; });
      row.hidden = !ok;
      if (ok) shown++;
    });
    count.textContent = 'Showing ' + shown + ' of ' + rows.length + (rows.length === 1 ? ' finding' : ' findings');
    empty.hidden = shown !== 0;
  }
  form.hidden = false;
  form.addEventListener('submit', function (event) { event.preventDefault(); });
  search.addEventListener('input', apply);
  [severity, check, state].forEach(function (select) { select.addEventListener('change', apply); });
  doc.getElementById('filter-clear').addEventListener('click', function () {
    search.value = '';
    severity.value = '';
    check.value = '';
    state.value = '';
    apply();
    search.focus();
  });
  doc.addEventListener('keydown', function (event) {
    var target = event.target;
    var typing = target && (target.tagName === 'INPUT' || target.tagName === 'SELECT' || target.tagName === 'TEXTAREA');
    if (event.key === '/' && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      search.focus();
    }
  });

  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var sortColumn = 0;
  var sortDir = 1;
  function sortValue(row, column) {
    var cell = row.cells[column];
    var value = cell.getAttribute('data-sort');
    return value === null ? cell.textContent : value;
  }
  function compare(a, b) {
    var x = sortValue(a, sortColumn);
    var y = sortValue(b, sortColumn);
    var nx = Number(x);
    var ny = Number(y);
    var c = x !== '' && y !== '' && isFinite(nx) && isFinite(ny) ? nx - ny : (x.toLowerCase() < y.toLowerCase() ? -1 : x.toLowerCase() > y.toLowerCase() ? 1 : 0);
    if (c === 0) return Number(a.getAttribute('data-index')) - Number(b.getAttribute('data-index'));
    return c * sortDir;
  }
  headers.forEach(function (th, column) {
    var button = th.querySelector('button.sort');
    if (!button) return;
    button.addEventListener('click', function () {
      sortDir = sortColumn === column ? -sortDir : 1;
      sortColumn = column;
      rows.slice().sort(compare).forEach(function (row) { tbody.appendChild(row); });
      headers.forEach(function (other) { other.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', sortDir === 1 ? 'ascending' : 'descending');
    });
  });

  Array.prototype.forEach.call(doc.querySelectorAll('button.show-findings'), function (button) {
    button.hidden = false;
    button.addEventListener('click', function () {
      search.value = '';
      severity.value = '';
      state.value = '';
      check.value = button.getAttribute('data-check');
      apply();
      doc.getElementById('findings').scrollIntoView();
      check.focus();
    });
  });
})();
`;
