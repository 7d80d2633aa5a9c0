// Brief: search over the Pagefind index, with filters by tag, confidence and reliability.
// Loaded only by the search page. Every other page works without JavaScript.
const form = document.getElementById("search-form");
const input = document.getElementById("search-input");
const statusLine = document.getElementById("search-status");
const resultsList = document.getElementById("search-results");
const filtersBox = document.getElementById("search-filters");
const tickedNote = document.getElementById("search-filters-ticked");
// Wider than this, the filters are shown open from the start.
const WIDE = "(min-width: 48rem)";
const moreButton = document.getElementById("search-more");
// Results are shown this many at a time; "Show more results" adds as many again.
const PAGE = 30;
const FILTER_NAMES = ["tag", "confidence", "reliability"];

function say(text) {
  statusLine.textContent = text;
}

function selectedFilters() {
  const filters = {};
  for (const name of FILTER_NAMES) {
    const checked = [...form.querySelectorAll(`input[name="${name}"]:checked`)].flatMap((box) =>
      JSON.parse(box.dataset.values),
    );
    if (checked.length) filters[name] = { any: checked };
  }
  return filters;
}

// Values that differ only in case are one value, as on the tag pages ("Energy" and
// "energy"; "Straße" and "STRASSE"). Not the reader's locale: the same for every reader.
function folded(value) {
  return value.normalize("NFKC").toLowerCase().replaceAll("ß", "ss").replaceAll("ς", "σ");
}

// A filter value as readers see it. The search record gives Pagefind "~" and the value with
// `%`, `"` and `\` percent-escaped (`search_filter_value` in generator/render.py): Pagefind
// finds nothing by a value with a quote or a backslash, and adds up its shards' counts in a
// plain object, where "constructor" or "__proto__" are not counts.
function valueName(value) {
  return value.startsWith("~") ? decodeURIComponent(value.slice(1)) : value;
}

// One option per folded value, or per value of `groupOf` (a tag's slug: spellings that
// share a tag page share an option), named as most briefings write it, counted together;
// in the order `order` gives (a scale's, strongest first), else alphabetically.
function filterOptions(counts, order, groupOf) {
  const groups = new Map();
  for (const [value, count] of Object.entries(counts)) {
    const name = valueName(value);
    const key = Object.hasOwn(groupOf, name) ? groupOf[name] : folded(name);
    const group = groups.get(key) || { values: [], count: 0, name, nameCount: -1 };
    group.values.push(value);
    group.count += count;
    if (count > group.nameCount || (count === group.nameCount && name < group.name)) {
      group.name = name;
      group.nameCount = count;
    }
    groups.set(key, group);
  }
  const rank = (group) => {
    const at = order.indexOf(group.name);
    return at < 0 ? order.length : at;
  };
  return [...groups.values()].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      a.name.localeCompare(b.name, undefined, { sensitivity: "base" }) ||
      (a.name < b.name ? -1 : 1),
  );
}

function buildFilters(available) {
  let any = false;
  for (const name of FILTER_NAMES) {
    const fieldset = document.getElementById(`filter-${name}`);
    const box = fieldset.querySelector(".filter-options");
    const options = filterOptions(
      available[name] || {},
      JSON.parse(fieldset.dataset.order || "[]"),
      JSON.parse(fieldset.dataset.groups || "{}"),
    );
    box.textContent = "";
    options.forEach((option, index) => {
      const id = `filter-${name}-${index}`;
      const wrapper = document.createElement("span");
      wrapper.className = "filter-option";
      const checkbox = document.createElement("input");
      checkbox.type = "checkbox";
      checkbox.name = name;
      checkbox.value = option.name;
      checkbox.dataset.values = JSON.stringify(option.values.sort());
      checkbox.id = id;
      const label = document.createElement("label");
      label.htmlFor = id;
      const count = document.createElement("span");
      count.className = "filter-count";
      count.dataset.total = String(option.count);
      count.textContent = ` (${option.count})`;
      const text = document.createElement("bdi");
      text.textContent = option.name;
      label.append(text, count);
      wrapper.append(checkbox, label);
      box.append(wrapper);
      any = true;
    });
    fieldset.hidden = options.length === 0;
  }
  filtersBox.hidden = !any;
  filtersBox.open = window.matchMedia(WIDE).matches;
}

// The filters' heading says how many options are ticked, so a closed box still tells. (A
// site's own search.html made before the filters had a heading has no such note.)
function showTicked() {
  if (!tickedNote) return;
  const ticked = form.querySelectorAll("#search-filters input:checked").length;
  tickedNote.textContent = ticked ? ` (${ticked} ticked)` : "";
}

// Each option's count: how many briefings the search would find with it ticked. `counts`
// holds, by filter name, Pagefind's counts for that filter, or null for the site's totals.
function showCounts(counts) {
  for (const box of form.querySelectorAll("#search-filters input[type=checkbox]")) {
    const count = form.querySelector(`label[for="${box.id}"] .filter-count`);
    const of = counts[box.name];
    const found = of
      ? JSON.parse(box.dataset.values).reduce((sum, value) => sum + (Object.hasOwn(of, value) ? of[value] : 0), 0)
      : Number(count.dataset.total);
    count.textContent = ` (${found})`;
  }
}

// The ticked options, as they go in the address: `tag=energy&confidence=...`.
function addressFromFilters(query) {
  const params = new URLSearchParams();
  if (query) params.set("q", query);
  for (const box of form.querySelectorAll("#search-filters input:checked")) params.append(box.name, box.value);
  return params.toString() ? `?${params}` : location.pathname;
}

// Tick the options an address names, however it spells them; true if it named any.
function filtersFromAddress(params) {
  let ticked = false;
  for (const name of FILTER_NAMES) {
    const wanted = new Set(params.getAll(name).map(folded));
    for (const box of form.querySelectorAll(`input[name="${name}"]`)) {
      if (JSON.parse(box.dataset.values).some((value) => wanted.has(folded(valueName(value))))) {
        box.checked = ticked = true;
      }
    }
  }
  return ticked;
}

// Pagefind's excerpt is escaped text with <mark> around the matches; keep only those marks.
function markedText(excerpt) {
  const parsed = new DOMParser().parseFromString(`<p>${excerpt}</p>`, "text/html").body.firstChild;
  return [...parsed.childNodes].map((node) => {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      return mark;
    }
    return document.createTextNode(node.textContent);
  });
}

function resultItem(result) {
  const item = document.createElement("li");
  item.className = "search-result";
  const heading = document.createElement("h2");
  const link = document.createElement("a");
  link.href = result.url;
  link.textContent = (result.meta && result.meta.title) || result.url;
  heading.append(link);
  const excerpt = document.createElement("p");
  excerpt.append(...markedText(result.excerpt));
  item.append(heading, excerpt);
  return item;
}

// Add these results to the list; the button offers the rest while there are more.
function appendResults(results, total) {
  resultsList.append(...results.map(resultItem));
  const shown = resultsList.children.length;
  moreButton.hidden = shown >= total;
  moreButton.textContent = `Show more results (${shown} of ${total} shown)`;
}

function showResults(results, total) {
  resultsList.textContent = "";
  appendResults(results, total);
  say(total === 0 ? "No briefings match." : `${total} briefing${total === 1 ? "" : "s"} found.`);
}

async function main() {
  if (location.protocol === "file:") {
    say("Search needs the site to be served by a web server; everything else works from a folder.");
    form.hidden = true;
    return;
  }
  // The index comes in shards (pagefind/0/, pagefind/1/, ...), merged here.
  const siteRoot = new URL(form.dataset.siteRoot, location.href).pathname;
  const shardList = new URL(form.dataset.bundle, location.href);
  let pagefind;
  try {
    const shards = await (await fetch(shardList)).json();
    if (shards.length === 0) {
      say("There is nothing to search yet.");
      return;
    }
    pagefind = await import(new URL(shards[0] + "pagefind.js", shardList).href);
    await pagefind.options({ baseUrl: siteRoot });
    // All at once: each shard's first files are a round trip or two, which one after the
    // other added up to seconds on a slow network. Pagefind lists a merged index as the call
    // is made, before it waits for anything, so results keep the order of the shards.
    await Promise.all(
      shards.slice(1).map((shard) => pagefind.mergeIndex(new URL(shard, shardList).href, { baseUrl: siteRoot })),
    );
  } catch (error) {
    say("Search is not available on this copy of the site.");
    return;
  }
  buildFilters(await pagefind.filters());

  let latest = 0;
  let current = null; // the results of the search shown
  async function run() {
    const query = input.value.trim();
    const filters = selectedFilters();
    const ticket = ++latest;
    if (!query && Object.keys(filters).length === 0) {
      resultsList.textContent = "";
      moreButton.hidden = true;
      current = null;
      say("");
      showCounts({});
      history.replaceState(null, "", location.pathname);
      return;
    }
    const search = await pagefind.search(query || null, { filters });
    if (ticket !== latest || !search) return;
    const data = await Promise.all(search.results.slice(0, PAGE).map((result) => result.data()));
    const counts = await countsFor(query, filters, search);
    if (ticket !== latest) return;
    current = search.results;
    showResults(data, search.results.length);
    showCounts(counts);
    // The address keeps the query and the ticked filters, so a search can be reloaded or shared.
    history.replaceState(null, "", addressFromFilters(query));
  }

  // Options of one filter are alternatives (any of them), so an option's count leaves that
  // filter's own ticks out: one more search for each filter that has some.
  async function countsFor(query, filters, search) {
    const counts = {};
    for (const name of FILTER_NAMES) {
      if (!filters[name]) {
        counts[name] = search.filters[name] || {};
        continue;
      }
      const others = Object.fromEntries(Object.entries(filters).filter(([other]) => other !== name));
      if (!query && Object.keys(others).length === 0) {
        counts[name] = null; // nothing else narrows it: the site's totals
        continue;
      }
      const wider = await pagefind.search(query || null, { filters: others });
      counts[name] = (wider && wider.filters[name]) || {};
    }
    return counts;
  }

  moreButton.addEventListener("click", async () => {
    const results = current;
    const shown = resultsList.children.length;
    if (!results || shown >= results.length) return;
    const data = await Promise.all(results.slice(shown, shown + PAGE).map((result) => result.data()));
    if (results !== current) return; // another search has started meanwhile
    appendResults(data, results.length);
    // The keyboard goes on from the first new result, not from the top of the list.
    resultsList.children[shown].querySelector("a").focus();
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run();
  });
  input.addEventListener("input", () => run());
  filtersBox.addEventListener("change", () => {
    showTicked();
    run();
  });
  const asked = new URLSearchParams(location.search);
  const initial = asked.get("q");
  if (initial && !input.value) input.value = initial;
  const ticked = filtersFromAddress(asked);
  if (ticked) filtersBox.open = true;
  showTicked();
  // Whatever the reader typed while the index was loading, or what the address asked for.
  if (input.value.trim() || ticked) run();
}

main();
