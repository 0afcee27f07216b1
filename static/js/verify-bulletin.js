// The in-browser check of a count: fetch bulletin.json, count its ballots again here, and
// compare with the published result, candidate by candidate. The counting rules are written
// out again below (as scripts/verify_bulletin.py does in Python), so the check does not rest
// on the server's own count. The page's words come in data-msg-* and data-word-* attributes.
"use strict";

(function () {
  var box = document.getElementById("bulletin-check");
  if (!box) { return; }
  var button = document.getElementById("run-check");
  var outcome = document.getElementById("check-outcome");

  // --- words ------------------------------------------------------------------------------

  function say(key, values) {
    var text = box.getAttribute("data-msg-" + key) || key;
    Object.keys(values || {}).forEach(function (name) {
      text = text.split("{" + name + "}").join(String(values[name]));
    });
    return text;
  }

  function word(key) { return box.getAttribute("data-word-" + key) || key; }

  function shown(value) {
    if (value === null || value === undefined) { return word("none"); }
    if (value === true || value === false) { return word(String(value)); }
    if (Array.isArray(value)) { return value.length ? value.join(", ") : word("none"); }
    return String(value);
  }

  // --- hashing, as the bulletin is written (sorted keys, no spaces, UTF-8) ----------------

  function canonical(value) {
    if (Array.isArray(value)) { return "[" + value.map(canonical).join(",") + "]"; }
    if (value !== null && typeof value === "object") {
      return "{" + Object.keys(value).sort().map(function (key) {
        return JSON.stringify(key) + ":" + canonical(value[key]);
      }).join(",") + "}";
    }
    return JSON.stringify(value);
  }

  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function sha256(bytes) {
    return window.crypto.subtle.digest("SHA-256", bytes).then(hex);
  }

  function sha256Text(text) { return sha256(new TextEncoder().encode(text)); }

  var canHash = !!(window.crypto && window.crypto.subtle && window.TextEncoder);

  // --- the count (docs/bulletin.md; votes/rules.py) ---------------------------------------

  var MARKS = { YNA: ["yes", "no", "abstain"], YN: ["yes", "no"], Y: ["yes"] };
  // [num, den, strict]: a simple majority must beat one half; the others may reach theirs.
  var FRACTIONS = { simple: [1, 2, true], two_thirds: [2, 3, false], three_quarters: [3, 4, false] };

  function passes(yes, base, majority) {
    if (base === 0) { return false; }
    var f = FRACTIONS[majority];
    return f[2] ? yes * f[1] > f[0] * base : yes * f[1] >= f[0] * base;
  }

  function needed(base, majority) {
    if (base === 0) { return null; }
    var f = FRACTIONS[majority];
    return f[2] ? Math.floor(f[0] * base / f[1]) + 1 : Math.ceil(f[0] * base / f[1]);
  }

  function countBallots(rules, ids, ballots) {
    var counts = {};
    ids.forEach(function (id) { counts[id] = [0, 0, 0]; });
    ballots.forEach(function (ballot) {
      var marks = ballot.choices;
      Object.keys(marks).forEach(function (key) {
        if (!(key in counts)) { throw new Error(ballot.tracker + ": ?" + key); }
        if (MARKS[rules.method].indexOf(marks[key]) < 0) { throw new Error(ballot.tracker + ": " + marks[key]); }
      });
      var ticked = Object.keys(marks).filter(function (k) { return marks[k] === "yes"; }).length;
      var top = rules.max_selections;
      if (ticked < rules.min_selections || (top !== null && top !== undefined && ticked > top)) {
        throw new Error(ballot.tracker + ": " + ticked);
      }
      ids.forEach(function (id) {
        var mark = marks[String(id)] || (rules.method !== "Y" ? "abstain" : null);
        if (mark) { counts[id][["yes", "no", "abstain"].indexOf(mark)] += 1; }
      });
    });
    return counts;
  }

  function select(rules, rows) {
    var seats = rules.seats, budget = rules.budget_cap;
    var adopted = [], tied = [];
    var ranked = rows.filter(function (r) { return r.passed; });
    ranked = ranked.map(function (r, i) { return [r, i]; }).sort(function (a, b) {
      return (b[0].yes - a[0].yes) || (a[1] - b[1]);  // stable: their order on the ballot
    }).map(function (pair) { return pair[0]; });
    var position = 1;
    for (var start = 0; start < ranked.length;) {
      var end = start;
      while (end < ranked.length && ranked[end].yes === ranked[start].yes) { end += 1; }
      var group = ranked.slice(start, end);
      group.forEach(function (r) { r.rank = position; });
      position += group.length;
      start = end;
      if (tied.length || seats === 0) {
        group.forEach(function (r) { r.status = "passed_not_adopted"; });
        continue;
      }
      var fitting = group.filter(function (r) { return budget === null || r.cost <= budget; });
      group.forEach(function (r) { if (fitting.indexOf(r) < 0) { r.status = "skipped_budget"; } });
      var cost = fitting.reduce(function (sum, r) { return sum + r.cost; }, 0);
      var status;
      if (fitting.length <= seats && (budget === null || cost <= budget)) {
        adopted = adopted.concat(fitting);
        seats -= fitting.length;
        budget = budget === null ? null : budget - cost;
        status = "adopted";
      } else {
        tied = tied.concat(fitting);
        status = "tie_pending";
      }
      fitting.forEach(function (r) { r.status = status; });
    }
    return [adopted, tied];
  }

  function recount(doc) {
    var rules = doc.rules, roster = doc.roster;
    var entitled = roster.entitled, present = roster.present, cast = doc.ballots_cast;
    var ids = doc.candidates.map(function (c) { return c.id; });
    var counts;
    if (doc.ballot.mode === "mixed") {
      // Paper and electronic in one ballot: the ballots counted here, plus the paper totals.
      var found = doc.paper_count.found;
      var screen = countBallots(rules, ids, doc.ballots);
      counts = {};
      ids.forEach(function (id) {
        var paper = doc.paper_totals[String(id)];
        if (paper[0] + paper[1] + paper[2] > found) { throw new Error(String(id)); }
        counts[id] = screen[id].map(function (n, i) { return n + paper[i]; });
      });
      cast = doc.ballots.length + found;
    } else if (doc.paper_totals === null) {
      counts = countBallots(rules, ids, doc.ballots);
      cast = doc.ballots.length;
    } else {
      counts = {};
      ids.forEach(function (id) { counts[id] = doc.paper_totals[String(id)].slice(); });
    }
    var reason = null;
    if (cast > entitled) { reason = "more_ballots_than_voters"; }
    else if (cast * rules.quorum_den < rules.quorum_num * entitled) { reason = "quorum_not_met"; }
    var rows = doc.candidates.map(function (c) {
      var yes = counts[c.id][0], no = counts[c.id][1], abstain = counts[c.id][2];
      var base = { entitled: entitled, present: present, cast: cast, yes_no: yes + no }[rules.threshold_base];
      return { id: c.id, cost: c.cost, yes: yes, no: no, abstain: abstain, base: base,
               needed: needed(base, rules.majority),
               passed: reason === null && passes(yes, base, rules.majority),
               status: "failed", rank: null };
    });
    var chosen = select(rules, rows);
    return { valid: reason === null, reason: reason, ballots_cast: cast, rows: rows,
             adopted: chosen[0].map(function (r) { return r.id; }),
             tie_pending: chosen[1].map(function (r) { return r.id; }) };
  }

  // --- compare ----------------------------------------------------------------------------

  function compare(doc, mine) {
    var problems = [];
    var published = doc.result;
    var titles = {};
    doc.candidates.forEach(function (c) { titles[c.id] = c.title; });
    if (published.ballots_cast !== mine.ballots_cast || doc.ballots_cast !== mine.ballots_cast) {
      problems.push(say("count", { published: published.ballots_cast, recounted: mine.ballots_cast }));
    }
    if (published.valid !== mine.valid) {
      problems.push(say("valid", { published: shown(published.valid), recounted: shown(mine.valid) }));
    }
    var theirs = {};
    published.rows.forEach(function (r) { theirs[r.id] = r; });
    mine.rows.forEach(function (row) {
      var other = theirs[row.id] || {};
      ["yes", "no", "abstain", "base", "needed", "passed", "status", "rank"].forEach(function (key) {
        if (other[key] !== row[key]) {
          problems.push(say("row", { title: titles[row.id], what: word(key),
                                     published: shown(other[key]), recounted: shown(row[key]) }));
        }
      });
    });
    var names = function (ids) { return ids.map(function (id) { return titles[id] || id; }); };
    if (canonical(published.adopted) !== canonical(mine.adopted)) {
      problems.push(say("adopted", { published: shown(names(published.adopted)),
                                     recounted: shown(names(mine.adopted)) }));
    }
    return problems;
  }

  function hashProblems(doc, bytes, digest) {
    if (!canHash) { return Promise.resolve({ problems: [], skipped: true }); }
    var checks = [sha256(bytes).then(function (found) {
      return found === digest ? null : say("digest");
    }), sha256Text(canonical(doc.result)).then(function (found) {
      return found === doc.result_hash ? null : say("resulthash");
    })];
    doc.ballots.forEach(function (b) {
      checks.push(sha256Text(b.tracker + canonical(b.choices)).then(function (found) {
        return found === b.hash ? null : say("hash", { tracker: b.tracker });
      }));
    });
    return Promise.all(checks).then(function (found) {
      return { problems: found.filter(Boolean), skipped: false };
    });
  }

  // --- the page ---------------------------------------------------------------------------

  function show(kind, heading, items) {
    outcome.hidden = false;
    outcome.className = "check-outcome" + (kind ? " " + kind : "");
    outcome.textContent = "";
    var p = document.createElement("p");
    var strong = document.createElement("strong");
    strong.textContent = heading;
    p.appendChild(strong);
    outcome.appendChild(p);
    if (items && items.length) {
      var list = document.createElement("ul");
      items.forEach(function (item) {
        var li = document.createElement("li");
        li.textContent = item;
        list.appendChild(li);
      });
      outcome.appendChild(list);
    }
  }

  function run() {
    button.disabled = true;
    show("", say("working"));
    fetch(box.getAttribute("data-bulletin"), { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.arrayBuffer();
      })
      .then(function (bytes) {
        var doc = JSON.parse(new TextDecoder("utf-8").decode(bytes));
        var problems = [];
        var mine = null;
        try {
          mine = recount(doc);
        } catch (error) {
          problems.push(say("unreadable", { tracker: "", why: error.message }));
        }
        if (mine) { problems = problems.concat(compare(doc, mine)); }
        if (doc.ballot.mode === "mixed" && doc.paper_count.found > doc.paper_count.issued) {
          problems.push(say("toomanypaper", { found: doc.paper_count.found,
                                              issued: doc.paper_count.issued }));
        }
        return hashProblems(doc, bytes, box.getAttribute("data-digest")).then(function (hashed) {
          problems = problems.concat(hashed.problems);
          var notes = hashed.skipped ? [say("nodigest")] : [];
          if (problems.length) {
            show("differs", say("differs"), problems);
          } else if (doc.ballot.mode === "mixed") {
            show("matches", say("mixed", { n: doc.ballots.length, found: doc.paper_count.found,
                                           issued: doc.paper_count.issued }), notes);
          } else if (doc.paper_totals !== null) {
            show("matches", say("paper"), notes);
          } else {
            show("matches", say("matches", { n: doc.ballots.length }), notes);
          }
        });
      })
      .catch(function (error) { show("differs", say("failed", { error: error.message })); })
      .then(function () { button.disabled = false; });
  }

  button.hidden = false;
  button.addEventListener("click", run);
}());
