/* The site's search: any run of characters of a page's text finds the page.
 *
 * Loaded by the header's search box only when a visitor focuses it, types a shortcut,
 * or opens a page with ?q= or ?h= (theme/partials/search.html). The index
 * (generator/site/search_index.py) is a set of static script files under search/: meta.js,
 * the key chunks k/<n>.js and one file per page d/<id>.js, each calling
 * budgetSearch.add(name, data). Scripts, not fetch(), so that a site opened from
 * file:// searches too.
 *
 * A query is folded as the index folds text (NFKC, lower case, one space for any run);
 * a space separates terms that must all occur. A term that is a key itself (one or two
 * characters, or three ASCII ones) is answered by its postings; a longer one is looked up
 * by keys that cover it (keysOf) and confirmed against the page's text. Results: pages whose best field is the title first, then the page's own
 * fields, then the rest; then by the index's order (newest year, then code).
 * A project's or department's name is found by its pinyin too, in full or by initials
 * (cunganbu, cgb). When no page holds the query as typed, the pages that hold its longest pieces are
 * listed, labelled as such (村干部补贴: 村干部 + 补贴), a one-character typo is offered
 * its correction from the pages' own text, and an empty result says what to try.
 * Every text from the index is put in the page as text nodes, never as markup.
 */
(function () {
  "use strict";

  var VERSION = 3;
  var PAGE = 10; // results shown at a time, and documents confirmed at a time
  var SNIPPET_BEFORE = 24; // characters of context before a match in a snippet
  var SNIPPET_LENGTH = 90;
  var WHITESPACE = /[\t\n\v\f\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;

  var script = document.currentScript;
  var root = new URL(script.getAttribute("data-root") || ".", document.baseURI).href.replace(/\/?$/, "/");
  // The pages of a province's own site search every county; a county's pages search the county first.
  var provinceWide = script.getAttribute("data-scope") === "province";
  var COUNTIES_AT_A_TIME = 8; // counties a province-wide search opens for one page of results, at most
  var DOCUMENTS_AT_A_TIME = 30; // and pages it reads to confirm them: a code's tail is in every county
  var files = {}; // site root + name -> Promise of its data
  var arrived = {}; // name -> data, set by the file itself as it runs

  var setOpen = window.budgetSearch.setOpen; // from the search box's own script
  window.budgetSearch.add = function (name, data) {
    arrived[name] = data;
  };

  /* One file of the index of the site at `base` (this site's root unless given). A file runs
   * and its load event fires in one task, so two sites' files of one name never mix. */
  function load(name, base) {
    base = base || root;
    var path = base + "search/" + name;
    if (!files[path]) {
      files[path] = new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        tag.src = path + ".js";
        tag.async = true;
        tag.onload = function () {
          tag.remove();
          if (name in arrived) {
            resolve(arrived[name]);
            delete arrived[name];
          } else {
            reject(new Error(name));
          }
        };
        tag.onerror = function () {
          tag.remove();
          delete files[path]; // a later search tries again
          reject(new Error(name));
        };
        document.head.appendChild(tag);
      });
    }
    return files[path];
  }

  /* Folding, as generator/site/search_index.py's fold(): the folded text and, for each of its
   * code units, where the character it came from starts and ends in the original. */
  function fold(text) {
    var out = "";
    var starts = [];
    var ends = [];
    var pendingSpace = -1;
    var at = 0;
    for (var original of text) {
      var end = at + original.length;
      for (var char of original.normalize("NFKC").toLowerCase()) {
        if (WHITESPACE.test(char)) {
          if (out && pendingSpace < 0) pendingSpace = at;
          continue;
        }
        if (pendingSpace >= 0) {
          out += " ";
          starts.push(pendingSpace);
          ends.push(at);
          pendingSpace = -1;
        }
        for (var unit = 0; unit < char.length; unit++) {
          starts.push(at);
          ends.push(end);
        }
        out += char;
      }
      at = end;
    }
    return { text: out, starts: starts, ends: ends };
  }

  /* The keys a term is looked up by: the term itself when it is a key (one or two
   * characters, or three ASCII ones), else keys that cover it from left to right, three
   * ASCII characters where they can (pairs of digits are in most pages, and a name's
   * pinyin is keyed by threes only), else pairs. Fewer keys fetch fewer chunks; the
   * confirmation against the text, or narrowing by the rest of its keys, makes up for it. */
  function keysOf(term) {
    var chars = Array.from(term);
    if (chars.length <= 2 || (chars.length === 3 && isAscii(term))) return [term];
    var keys = [];
    function add(key) {
      if (keys.indexOf(key) < 0) keys.push(key);
    }
    var at = 0;
    while (at < chars.length - 1) {
      var triple = chars.slice(at, at + 3).join("");
      var lastTriple = chars.slice(-3).join("");
      if (at + 3 <= chars.length && isAscii(triple)) {
        add(triple);
        at += 3;
      } else if (at + 3 > chars.length && isAscii(lastTriple)) {
        add(lastTriple);
        at = chars.length;
      } else {
        add(chars[at] + chars[at + 1]);
        at += 2;
      }
    }
    if (at === chars.length - 1) {
      var last = chars.slice(-3).join("");
      add(isAscii(last) ? last : chars.slice(-2).join(""));
    }
    return keys;
  }

  /* Every key a page that holds the term holds: each pair of adjacent characters and each
   * run of three ASCII ones (a pair of letters may be only in a name's pinyin, which is
   * keyed by threes, so a term with letters is narrowed by its threes alone). */
  function allKeysOf(term) {
    var chars = Array.from(term);
    var keys = [];
    for (var at = 0; at + 2 <= chars.length; at++) {
      var triple = chars.slice(at, at + 3).join("");
      if (at + 3 <= chars.length && isAscii(triple)) keys.push(triple);
      else if (!isAscii(chars[at] + chars[at + 1])) keys.push(chars[at] + chars[at + 1]);
    }
    return keys;
  }

  function isAscii(text) {
    return /^[\x00-\x7f]*$/.test(text);
  }

  /* FNV-1a over UTF-16 code units, as key_hash() in generator/site/search_index.py. */
  function keyHash(key) {
    var value = 0x811c9dc5;
    for (var i = 0; i < key.length; i++) {
      value = Math.imul(value ^ key.charCodeAt(i), 0x01000193) >>> 0;
    }
    return value;
  }

  /* Ids as encode_ids() wrote them: base-36 gaps, "+k" for k consecutive ids. */
  function decodeIds(text, into, tier) {
    var previous = -1;
    text.split(",").forEach(function (token) {
      if (!token) return;
      if (token.charAt(0) === "+") {
        for (var n = parseInt(token.slice(1), 36); n > 0; n--) into.set(++previous, tier);
      } else {
        previous += parseInt(token, 36);
        into.set(previous, tier);
      }
    });
  }

  /* The documents that hold a key: id -> the best tier it is in. */
  function postings(key, meta) {
    return load("k/" + (keyHash(key) % meta.chunks), meta.base).then(function (chunk) {
      var tiers = new Map();
      var posting = Object.prototype.hasOwnProperty.call(chunk, key) ? chunk[key] : "";
      posting.split("|").forEach(function (ids, tier) {
        decodeIds(ids, tiers, tier);
      });
      return tiers;
    });
  }

  /* The documents that hold every key of a term: id -> the worst of the keys' best tiers.
   * When its covering keys leave more candidates than a page of results, the rest of its
   * keys narrow them first: one more key chunk costs less than the pages it spares
   * confirming (学校满意度: 113 pages hold 学校, 满意 and 意度, none holds 校满). */
  function termCandidates(term, meta) {
    var covering = keysOf(term);
    return Promise.all(covering.map(lookUp)).then(function (maps) {
      var found = intersect(maps);
      var rest = allKeysOf(term).filter(function (key) {
        return covering.indexOf(key) < 0;
      });
      if (found.size <= PAGE || !rest.length) return found;
      return Promise.all(rest.map(lookUp)).then(function (more) {
        return intersect([found].concat(more));
      });
    });
    function lookUp(key) {
      return postings(key, meta);
    }
  }

  function intersect(maps) {
    maps = maps.slice();
    maps.sort(function (a, b) {
      return a.size - b.size;
    });
    var result = new Map();
    maps[0].forEach(function (tier, id) {
      for (var i = 1; i < maps.length; i++) {
        var other = maps[i].get(id);
        if (other === undefined) return;
        if (other > tier) tier = other;
      }
      result.set(id, tier);
    });
    return result;
  }

  /* A page's fields, folded once; it knows its site (and, in a province, its county). */
  function documentOf(id, meta) {
    return load("d/" + id, meta.base).then(function (data) {
      data.base = meta.base;
      data.county = meta.county; // set by a province-wide search only
      if (!data.folded) {
        data.folded = data.fields.map(function (field) {
          return { text: fold(field[2]).text, alternative: fold(field[4]).text, pinyin: field[5] };
        });
      }
      return data;
    });
  }

  /* Whether a folded field holds a term, as shown or as a reader may type it (an amount
   * without separators, a title in pinyin). */
  function holds(folded, term) {
    return (
      folded.text.indexOf(term) >= 0 || folded.alternative.indexOf(term) >= 0 || folded.pinyin.indexOf(term) >= 0
    );
  }

  /* A query's distinct terms, folded: what the index is searched for and the page marked with. */
  function termsOf(query) {
    return fold(query)
      .text.split(" ")
      .filter(function (term, index, all) {
        return term && all.indexOf(term) === index;
      });
  }

  /* The best tier of a page's fields that hold every term, or -1. */
  function confirm(data, terms) {
    var worst = 0;
    for (var t = 0; t < terms.length; t++) {
      var best = -1;
      for (var f = 0; f < data.fields.length; f++) {
        if (holds(data.folded[f], terms[t])) {
          best = best < 0 ? data.fields[f][0] : Math.min(best, data.fields[f][0]);
        }
      }
      if (best < 0) return -1;
      worst = Math.max(worst, best);
    }
    return worst;
  }

  /* One query's answer, read as far as the visitor scrolls; with `pieces`, the pages
   * that hold all of them, when none holds the query as typed. */
  function Search(query, meta, pieces) {
    this.query = query;
    this.partial = Boolean(pieces);
    this.terms = pieces || termsOf(query);
    // A term that is a key itself needs no confirmation: its postings are the answer.
    this.exact = this.terms.every(function (term) {
      return keysOf(term)[0] === term;
    });
    this.meta = meta;
    this.candidates = []; // [id, tier at least] in the order they are confirmed
    this.next = 0; // the first candidate not yet confirmed
    this.results = []; // confirmed [id, tier, document], by tier then id
  }

  Search.prototype.start = function () {
    var self = this;
    return Promise.all(
      this.terms.map(function (term) {
        return termCandidates(term, self.meta);
      })
    ).then(function (maps) {
      var found = maps.length ? intersect(maps) : new Map();
      found.forEach(function (tier, id) {
        self.candidates.push([id, tier]);
      });
      self.candidates.sort(function (a, b) {
        return a[1] - b[1] || a[0] - b[0];
      });
    });
  };

  /* How many results no later confirmation can precede. Candidates are confirmed in
   * (bound, id) order and a page's tier is never below its bound, so a result is settled
   * when it sorts before the next unconfirmed candidate. */
  Search.prototype.settled = function () {
    if (this.next >= this.candidates.length) return this.results.length;
    var bound = this.candidates[this.next][1];
    var id = this.candidates[this.next][0];
    var count = 0;
    while (count < this.results.length) {
      var result = this.results[count];
      if (result[1] > bound || (result[1] === bound && result[0] > id)) break;
      count++;
    }
    return count;
  };

  /* The number of results, or while candidates remain unconfirmed an estimate: as many
   * of them as the share of those confirmed so far that held the query. */
  Search.prototype.total = function () {
    if (this.exact) return { count: this.candidates.length, exact: true };
    var unconfirmed = this.candidates.length - this.next;
    var share = this.next ? this.results.length / this.next : 1;
    return { count: this.results.length + Math.round(unconfirmed * share), exact: unconfirmed === 0 };
  };

  /* Confirm candidates until `wanted` results are settled (or none are left), reading at
   * most `budget` more pages when given. */
  Search.prototype.fill = function (wanted, budget) {
    var self = this;
    if (budget === undefined) budget = Infinity;
    if (this.settled() >= wanted || this.next >= this.candidates.length || budget <= 0) return Promise.resolve();
    var batch = this.candidates.slice(this.next, this.next + Math.min(PAGE, budget));
    this.next += batch.length;
    return Promise.all(
      batch.map(function (candidate) {
        return documentOf(candidate[0], self.meta).then(function (data) {
          var tier = self.exact ? candidate[1] : confirm(data, self.terms);
          if (tier >= 0) self.results.push([candidate[0], tier, data]);
        });
      })
    ).then(function () {
      self.results.sort(function (a, b) {
        return a[1] - b[1] || a[0] - b[0];
      });
      return self.fill(wanted, budget - batch.length);
    });
  };

  Search.prototype.exhausted = function () {
    return this.next >= this.candidates.length;
  };

  /* ---- Across a province: county after county ---- */

  /* A query over every county of a province, read county by county in `counties` order
   * ([folder, name], the one being browsed first; a term that begins with a county's
   * region code, as every project code of that county does, puts that county first, and its
   * results, if any, are the first page on their own). The
   * province's key filter (p/<n>.js) says which counties hold every key of the query; only
   * those are opened, and for one page of results at most COUNTIES_AT_A_TIME of them and
   * DOCUMENTS_AT_A_TIME pages read, so that a word many counties use never fetches every
   * county's files at once. Results are listed county by county, each county's in its own order. */
  function ProvinceSearch(query, province, base, counties) {
    this.query = query;
    this.partial = false;
    this.terms = termsOf(query);
    this.province = province;
    this.base = base;
    this.counties = counties;
    this.holding = null; // the counties that hold every key, in order
    this.named = 0; // how many of them come first because a term begins with their region code
    this.at = 0; // the next of them to open
    this.done = []; // the results of the counties read to the end
    this.active = null; // the county being read
    this.results = [];
  }

  ProvinceSearch.prototype.start = function () {
    var self = this;
    var keys = [];
    this.terms.forEach(function (term) {
      keysOf(term).forEach(function (key) {
        if (keys.indexOf(key) < 0) keys.push(key);
      });
    });
    return Promise.all(
      keys.map(function (key) {
        return load("p/" + (keyHash(key) % self.province.chunks), self.base).then(function (chunk) {
          var ids = new Map();
          decodeIds(Object.prototype.hasOwnProperty.call(chunk, key) ? chunk[key] : "", ids, 0);
          return ids;
        });
      })
    ).then(function (maps) {
      var found = maps.length ? intersect(maps) : new Map();
      var folders = self.province.counties.map(function (county) {
        return county[0];
      });
      var coded = self.terms.map(function (term) {
        return term.slice(0, 6);
      });
      self.holding = self.counties
        .filter(function (county) {
          return found.has(folders.indexOf(county[0]));
        })
        .sort(function (a, b) {
          return (coded.indexOf(b[0]) >= 0) - (coded.indexOf(a[0]) >= 0);
        });
      self.named = self.holding.filter(function (county) {
        return coded.indexOf(county[0]) >= 0;
      }).length;
    });
  };

  ProvinceSearch.prototype.settled = function () {
    return this.done.length + (this.active ? this.active.settled() : 0);
  };

  ProvinceSearch.prototype.exhausted = function () {
    return this.at >= this.holding.length && (!this.active || this.active.exhausted());
  };

  ProvinceSearch.prototype.total = function () {
    return { count: this.results.length, exact: this.exhausted() };
  };

  /* Read on until `wanted` results are settled, within one page's counties and pages. */
  ProvinceSearch.prototype.fill = function (wanted) {
    var self = this;
    var opened = 0;
    var read = 0; // pages confirmed for this page of results
    function step() {
      if (self.active && self.active.exhausted() && self.active.settled() === self.active.results.length) {
        self.done = self.done.concat(self.active.results);
        self.active = null;
      }
      self.results = self.done.concat(self.active ? self.active.results : []);
      if (self.settled() >= wanted || read >= DOCUMENTS_AT_A_TIME) return Promise.resolve();
      if (self.active) {
        var before = self.active.next;
        var active = self.active;
        return active.fill(wanted - self.done.length, DOCUMENTS_AT_A_TIME - read).then(function () {
          read += active.next - before;
          return step();
        });
      }
      if (self.at >= self.holding.length || opened >= COUNTIES_AT_A_TIME) return Promise.resolve();
      // A project code names its county: what that county holds of it is the first page, the rest on asking.
      if (self.at === self.named && self.named > 0 && opened > 0 && self.results.length) return Promise.resolve();
      var county = self.holding[self.at++];
      opened++;
      var base = new URL(county[0] + "/", self.base).href;
      return metaOf(base).then(function (meta) {
        var search = new Search(self.query, Object.assign({}, meta, { county: county[1] }));
        return search.start().then(function () {
          self.active = search;
          return step();
        });
      });
    }
    return step();
  };

  /* Counties searched so far, of those that hold every key. */
  ProvinceSearch.prototype.searched = function () {
    return this.at - (this.active && !this.active.exhausted() ? 1 : 0);
  };

  /* ---- When no page holds the query as typed ---- */

  /* Each term's pairs of adjacent characters and the pages that hold each pair. */
  function pairsOf(terms, meta) {
    return Promise.all(
      terms.map(function (term) {
        var chars = Array.from(term);
        return Promise.all(
          chars.slice(1).map(function (char, at) {
            return postings(chars[at] + char, meta);
          })
        );
      })
    );
  }

  /* The fewest, longest pieces of two characters or more that make up a term and that
   * some page may hold (its pairs are in one page together), or null. A lone character
   * is no piece: it is in too many pages to say anything (季度末 is not 季度 + 末). */
  function piecesOf(term, pairs) {
    var chars = Array.from(term);
    var n = chars.length;
    if (n <= 2) return [term];
    var reach = []; // reach[s]: the end of the longest run from s whose pairs one page holds
    for (var s = 0; s < n; s++) {
      var together = null;
      var end = s + 1;
      while (end < n) {
        var next = together ? intersect([together, pairs[end - 1]]) : pairs[end - 1];
        if (!next.size) break;
        together = next;
        end++;
      }
      reach.push(end);
    }
    var best = []; // best[s]: the pieces that make up chars[s:], or undefined
    best[n] = [];
    for (s = n - 2; s >= 0; s--) {
      for (end = reach[s]; end >= s + 2; end--) {
        if (best[end] && (!best[s] || best[end].length + 1 < best[s].length)) {
          best[s] = [chars.slice(s, end).join("")].concat(best[end]);
        }
      }
    }
    return best[0] || null;
  }

  /* The pieces of every term, when at least one term is split and every one can be. */
  function queryPieces(terms, pairs) {
    var pieces = [];
    for (var t = 0; t < terms.length; t++) {
      var found = piecesOf(terms[t], pairs[t]);
      if (!found) return null;
      found.forEach(function (piece) {
        if (pieces.indexOf(piece) < 0) pieces.push(piece);
      });
    }
    return pieces.length > terms.length ? pieces : null;
  }

  /* A one-character typo's correction from the index's own text: a run of a page's field
   * that differs from a term in one character, the other characters' pairs being held by
   * that page. The query with that term corrected, or null. */
  function suggestion(terms, pairs, meta) {
    var tries = [];
    terms.forEach(function (term, t) {
      var chars = Array.from(term);
      if (chars.length < 3) return;
      // A typo at i breaks the pairs at i - 1 and i: a pair no page holds narrows where it is.
      var places = chars.map(function (_, i) {
        return i;
      });
      pairs[t].forEach(function (pages, j) {
        if (!pages.size) {
          places = places.filter(function (i) {
            return i === j || i === j + 1;
          });
        }
      });
      places.forEach(function (i) {
        var kept = pairs[t].filter(function (_, j) {
          return j + 1 < i || j > i;
        });
        if (kept.length) tries.push({ term: t, chars: chars, at: i, pages: intersect(kept) });
      });
    });
    var budget = 2 * PAGE; // pages read at most, in the order of their tier then of the index
    function next(index) {
      if (index >= tries.length || budget <= 0) return Promise.resolve(null);
      var attempt = tries[index];
      var ids = Array.from(attempt.pages.entries())
        .sort(function (a, b) {
          return a[1] - b[1] || a[0] - b[0];
        })
        .slice(0, Math.min(PAGE, budget));
      budget -= ids.length;
      return Promise.all(
        ids.map(function (entry) {
          return documentOf(entry[0], meta);
        })
      ).then(function (pages) {
        var word = null;
        var wordTier = 3;
        pages.forEach(function (data) {
          data.fields.forEach(function (field, f) {
            if (field[0] >= wordTier) return;
            var found = differingRun(Array.from(data.folded[f].text), attempt.chars, attempt.at);
            if (found) {
              word = found;
              wordTier = field[0];
            }
          });
        });
        if (!word) return next(index + 1);
        var corrected = terms.slice();
        corrected[attempt.term] = word;
        return corrected.join(" ");
      });
    }
    return next(0);
  }

  /* A run of text as long as chars that differs from them at `at` only, or null. */
  function differingRun(text, chars, at) {
    for (var start = 0; start + chars.length <= text.length; start++) {
      var other = text[start + at];
      if (other === chars[at] || other === " ") continue;
      var same = true;
      for (var j = 0; j < chars.length && same; j++) same = j === at || text[start + j] === chars[j];
      if (same) return text.slice(start, start + chars.length).join("");
    }
    return null;
  }

  /* No page holds the query: look for its pieces and for a typo, then show what was found. */
  function fallback(search) {
    return pairsOf(search.terms, search.meta)
      .then(function (pairs) {
        return suggestion(search.terms, pairs, search.meta).then(function (corrected) {
          return { pieces: queryPieces(search.terms, pairs), corrected: corrected };
        });
      })
      .then(function (found) {
        if (search !== current) return null;
        if (found.corrected) showSuggestion(found.corrected);
        if (!found.pieces) return showEmpty(search);
        var partial = new Search(search.query, search.meta, found.pieces);
        current = partial;
        return partial.start().then(function () {
          return partial === current ? showMore(partial) : null;
        });
      });
  }

  /* ---- Showing results in Material's search box ---- */

  var box = document.querySelector(".md-search");
  var input = box.querySelector(".md-search__input");
  var meta = box.querySelector(".md-search-result__meta");
  var note = box.querySelector(".bp-search-note");
  var list = box.querySelector(".md-search-result__list");
  var scrollwrap = box.querySelector(".md-search__scrollwrap");
  var toggle = document.getElementById("__search");
  var current = null;
  var wide = false; // a county's search widened to its province by the visitor
  var more = element("p", "bp-search-more");
  var moreButton = element("button", "md-button", ["继续搜索"]);
  moreButton.type = "button";
  more.appendChild(moreButton);
  more.hidden = true;
  list.parentNode.appendChild(more);
  moreButton.addEventListener("click", function () {
    if (current) showMore(current);
  });

  function element(tag, className, children) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  /* Where the terms occur in a text: [start, end) ranges in the original, merged. */
  function matches(text, terms) {
    var folded = fold(text);
    var ranges = [];
    terms.forEach(function (term) {
      for (var at = folded.text.indexOf(term); at >= 0; at = folded.text.indexOf(term, at + term.length)) {
        ranges.push([folded.starts[at], folded.ends[at + term.length - 1]]);
      }
    });
    ranges.sort(function (a, b) {
      return a[0] - b[0];
    });
    var merged = [];
    ranges.forEach(function (range) {
      var last = merged[merged.length - 1];
      if (last && range[0] <= last[1]) last[1] = Math.max(last[1], range[1]);
      else merged.push(range.slice());
    });
    return merged;
  }

  /* Text with its matches in <mark>, cut to [from, to) with an ellipsis where cut. */
  function highlighted(tag, text, ranges, from, to) {
    var node = element(tag);
    var at = from;
    if (from > 0) node.appendChild(document.createTextNode("…"));
    ranges.forEach(function (range) {
      var start = Math.max(range[0], from);
      var end = Math.min(range[1], to);
      if (start >= end) return;
      if (start > at) node.appendChild(document.createTextNode(text.slice(at, start)));
      node.appendChild(element("mark", null, [text.slice(start, end)]));
      at = end;
    });
    if (to > at) node.appendChild(document.createTextNode(text.slice(at, to)));
    if (to < text.length) node.appendChild(document.createTextNode("…"));
    return node;
  }

  /* The field a result's snippet comes from: the best tier that holds a term, the title aside. */
  function snippetField(data, terms) {
    var best = null;
    data.fields.forEach(function (field, index) {
      if (index === 0) return;
      var held = terms.some(function (term) {
        return holds(data.folded[index], term);
      });
      if (held && (!best || field[0] < best[0])) best = field;
    });
    return best;
  }

  function snippet(field, terms) {
    var text = field[2];
    var ranges = matches(text, terms);
    if (!ranges.length) ranges = [[0, text.length]]; // matched as typed without separators
    var from = Math.max(0, ranges[0][0] - SNIPPET_BEFORE);
    var to = Math.min(text.length, from + SNIPPET_LENGTH);
    if (text.length - from <= SNIPPET_LENGTH) from = Math.max(0, text.length - SNIPPET_LENGTH);
    var line = highlighted("p", text, ranges, from, to);
    line.insertBefore(element("span", "bp-search-result__label", [field[1] + "："]), line.firstChild);
    return line;
  }

  function resultItem(search, data) {
    var title = data.fields[0];
    var field = snippetField(data, search.terms);
    var url = new URL(data.url, data.base);
    url.searchParams.set("h", search.terms.join(" "));
    if (field && field[3]) url.hash = field[3];
    var where = data.year + "年 · " + (data.department === data.title ? "部门" : data.department);
    if (data.county) where = data.county + " · " + where;
    var article = element("article", "md-search-result__article md-typeset", [
      element("div", "md-search-result__icon md-icon"),
      highlighted("h1", title[2], matches(title[2], search.terms), 0, title[2].length),
      element("p", "bp-search-result__where", [where]),
    ]);
    if (field) article.appendChild(snippet(field, search.terms));
    var link = element("a", "md-search-result__link", [article]);
    link.href = url.href;
    link.tabIndex = -1;
    return element("li", "md-search-result__item" + (search.partial ? " bp-search-result--partial" : ""), [link]);
  }

  function showMeta(text) {
    meta.textContent = text;
  }

  function countText(search) {
    var total = search.total();
    if (search.province) {
      var found = total.count.toLocaleString("en-US");
      if (total.exact) return total.count ? "全省各县共找到 " + found + " 个结果" : "全省各县都没有找到符合条件的结果";
      return "已搜索 " + search.searched() + "/" + search.holding.length + " 个可能包含的县，找到 " + found + " 个结果";
    }
    if (!total.count) return "没有找到符合条件的结果";
    if (search.partial) return "没有完全匹配的结果，以下结果同时包含：" + search.terms.join("、");
    return (total.exact ? "找到 " : "约 ") + total.count.toLocaleString("en-US") + " 个结果";
  }

  function ready(search) {
    box.setAttribute("data-bp-query", search.query);
    box.setAttribute("data-bp-state", "ready");
  }

  /* "您是不是要找": a link that runs the corrected search, and works as a ?q= link too. */
  function showSuggestion(corrected) {
    var url = new URL(location.href);
    url.searchParams.set("q", corrected);
    url.searchParams.delete("h");
    url.hash = "";
    var link = element("a", "bp-search-suggestion", [corrected]);
    link.href = url.href;
    link.addEventListener("click", function (event) {
      event.preventDefault();
      input.value = corrected;
      onQuery();
      input.focus();
    });
    note.appendChild(element("p", null, ["您是不是要找：", link]));
    note.hidden = false;
  }

  /* An empty result says what to try, and offers the years to browse. */
  function showEmpty(search) {
    showMeta(search.province ? "全省各县都没有找到符合条件的结果" : "没有找到符合条件的结果");
    var years = [];
    (search.meta ? search.meta.years : []).forEach(function (entry, index) {
      var link = element("a", null, [entry[0] + " 年"]);
      link.href = new URL(entry[1], search.meta.base).href;
      if (index) years.push("、");
      years.push(link);
    });
    note.appendChild(element("p", null, ["可以试试："]));
    note.appendChild(
      element("ul", null, [
        element("li", null, ["用更短的词，或少打几个字"]),
        element("li", null, ["检查有没有错别字"]),
        element("li", null, ["几个词之间用空格隔开，找同时包含它们的页面"]),
      ].concat(years.length ? [element("li", null, ["按年度浏览各部门和项目："].concat(years))] : []))
    );
    note.hidden = false;
    offerWider(search);
    ready(search);
  }

  /* Show the next page of results of the current search. */
  function showMore(search) {
    var shown = list.children.length;
    more.hidden = true;
    return search.fill(shown + PAGE).then(function () {
      if (search !== current) return null;
      if (!search.results.length && search.exhausted()) {
        return search.partial || search.province ? showEmpty(search) : fallback(search);
      }
      search.results.slice(shown, Math.min(search.settled(), shown + PAGE)).forEach(function (result) {
        list.appendChild(resultItem(search, result[2]));
      });
      showMeta(countText(search));
      offerWider(search);
      ready(search);
      if (search.province) {
        // Each further county costs its chunks: the visitor asks for them.
        more.hidden = !hasMore(search);
        return null;
      }
      // A list that does not fill its box cannot be scrolled to ask for more.
      if (scrollwrap.scrollHeight <= scrollwrap.clientHeight && hasMore(search)) return showMore(search);
    });
  }

  /* A county's index of a province's shard says where the province is: its search can be widened. */
  function offerWider(search) {
    if (provinceWide || search.offered) return;
    var county = search.province ? countyMeta : search.meta;
    if (!county || !county.province) return;
    search.offered = true;
    var button = element("button", "md-button bp-search-scope", [
      search.province ? "只搜索本县" : "在全省各县中搜索",
    ]);
    button.type = "button";
    button.addEventListener("click", function () {
      wide = !search.province;
      run();
      input.focus();
    });
    note.appendChild(element("p", null, [button]));
    note.hidden = false;
  }

  var metas = {}; // site root -> Promise of its meta.js
  var countyMeta = null; // this site's meta.js, once read

  function metaOf(base) {
    if (!metas[base]) {
      metas[base] = load("meta", base).then(function (data) {
        if (data.version !== VERSION) throw new Error("search index version " + data.version);
        data.base = base;
        return data;
      });
      metas[base].catch(function () {
        delete metas[base];
      });
    }
    return metas[base];
  }

  /* The search the box runs: this county's, or the province's with this county first. */
  function searchFor(query) {
    if (provinceWide) return provinceSearch(query, root, null);
    return metaOf(root).then(function (data) {
      countyMeta = data;
      if (!wide || !data.province) return new Search(query, data);
      var base = new URL(data.province.root, root).href;
      return provinceSearch(query, base, root.slice(base.length).replace(/\/$/, ""));
    });
  }

  function provinceSearch(query, base, first) {
    return load("province", base).then(function (province) {
      if (province.version !== VERSION) throw new Error("search index version " + province.version);
      var counties = province.counties.slice().sort(function (a, b) {
        return (b[0] === first) - (a[0] === first);
      });
      return new ProvinceSearch(query, province, base, counties);
    });
  }

  function run() {
    var query = input.value;
    list.textContent = "";
    note.textContent = "";
    note.hidden = true;
    scrollwrap.scrollTop = 0;
    box.removeAttribute("data-bp-query");
    box.setAttribute("data-bp-state", "searching");
    if (!fold(query).text) {
      current = null;
      showMeta("键入以开始搜索");
      box.setAttribute("data-bp-state", "idle");
      return;
    }
    showMeta("正在搜索…");
    more.hidden = true;
    searchFor(query)
      .then(function (search) {
        current = search;
        return search.start().then(function () {
          return search === current ? showMore(search) : null;
        });
      })
      .catch(function () {
        showMeta("搜索索引未能加载，请稍后再试");
        box.setAttribute("data-bp-state", "failed");
      });
  }

  var lastQuery = null;
  function onQuery() {
    if (input.value === lastQuery) return;
    lastQuery = input.value;
    run();
  }

  // An input method commits a word at once: search on the value as it is after each key.
  input.addEventListener("keyup", onQuery);
  input.addEventListener("input", onQuery);
  box.querySelector(".md-search__form").addEventListener("submit", function (event) {
    event.preventDefault();
    var first = list.querySelector(".md-search-result__link");
    if (first) first.click();
  });
  box.querySelector("button[type=reset]").addEventListener("click", function () {
    input.value = "";
    onQuery();
    input.focus();
  });
  function hasMore(search) {
    return list.children.length < search.results.length || !search.exhausted();
  }

  var loadingMore = false;
  scrollwrap.addEventListener("scroll", function () {
    var search = current;
    if (!search || loadingMore || scrollwrap.scrollTop + scrollwrap.clientHeight < scrollwrap.scrollHeight - 16) return;
    if (!hasMore(search)) return;
    loadingMore = true;
    showMore(search).then(
      function () {
        loadingMore = false;
      },
      function () {
        loadingMore = false;
      }
    );
  });

  /* Keys inside the search: arrows move between the box and the results, Escape closes. */
  document.addEventListener("keydown", function (event) {
    if (!toggle.checked) return;
    var links = Array.prototype.slice.call(list.querySelectorAll(".md-search-result__link"));
    var focus = [input].concat(links);
    var at = focus.indexOf(document.activeElement);
    if (event.key === "Escape") {
      setOpen(false);
      input.blur();
      event.preventDefault();
    } else if ((event.key === "ArrowDown" || event.key === "ArrowUp") && at >= 0) {
      var step = event.key === "ArrowDown" ? 1 : -1;
      focus[(at + step + focus.length) % focus.length].focus();
      event.preventDefault();
    }
  });

  /* A page opened from a result: mark the query where it occurs in the page's text. */
  function highlightPage(query) {
    var terms = termsOf(query);
    var content = document.querySelector(".md-content article");
    if (!terms.length || !content) return;
    var walker = document.createTreeWalker(content, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        return node.parentNode.closest("script, style, svg, mark, .headerlink, .bp-permalink")
          ? NodeFilter.FILTER_REJECT
          : NodeFilter.FILTER_ACCEPT;
      },
    });
    var nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    var first = null;
    nodes.forEach(function (node) {
      var ranges = matches(node.data, terms);
      if (!ranges.length) return;
      var marked = highlighted("span", node.data, ranges, 0, node.data.length);
      first = first || marked.querySelector("mark");
      var fragment = document.createDocumentFragment();
      while (marked.firstChild) fragment.appendChild(marked.firstChild);
      node.parentNode.replaceChild(fragment, node);
    });
    if (first && !location.hash) first.scrollIntoView({ block: "center" });
  }

  /* This script loads while the page is still parsing when it comes from the cache. */
  var highlight = new URLSearchParams(location.search).get("h");
  if (highlight && document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      highlightPage(highlight);
    });
  } else if (highlight) {
    highlightPage(highlight);
  }
  onQuery();
})();
