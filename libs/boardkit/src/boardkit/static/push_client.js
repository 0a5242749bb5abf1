/* The board page's push client: one server-sent events stream per page for the series on
 * screen (docs/boards.md, "Push protocol"). On a live view, new points go into the figure
 * through Dash's own set_props (extendData), so Dash's state stays the page's state; the
 * kit's callbacks hand it each new cursor (what the figure holds). On a panel view, a
 * source that changed makes the page pull its patch at once. It reconnects with backoff
 * and `after`, pauses while the tab is hidden, and falls back to the page's HTTP poll
 * when the stream cannot be opened. Its state is shown beside the status line. */
(function () {
  'use strict';
  var MAX_BACKOFF_MS = 10000;
  var RETRY_PUSH_MS = 60000;
  var LOG_SIZE = 200;
  var pages = {};

  function idOf(type, board) {
    return {board: board, type: type};
  }

  function setProps(type, board, props) {
    window.dash_clientside.set_props(idOf(type, board), props);
  }

  function graphDiv(board) {
    var holder = document.getElementById(JSON.stringify({board: board, type: 'bk-graph'}));
    return holder ? holder.querySelector('.js-plotly-plot') : null;
  }

  function badgeData(board, type) {
    var badge = document.getElementById(JSON.stringify({board: board, type: type}));
    return badge ? badge.dataset : null;
  }

  function pushUrl() {
    var config = JSON.parse(document.getElementById('_dash-config').textContent);
    return (config.requests_pathname_prefix || '/') + '_dazzler-push';
  }

  function timeMs(iso) {
    var parsed = Date.parse(iso);
    return isNaN(parsed) ? null : parsed;
  }

  function Page(board, kind) {
    this.board = board;
    this.panel = kind === 'panel';
    this.badgeType = this.panel ? 'bk-panel-push' : 'bk-push';
    this.pollType = this.panel ? 'bk-panel-poll' : 'bk-poll';
    this.everOpened = false;
    this.cursor = null;
    this.sig = null;
    this.series = [];
    this.lastBySeries = {};
    this.source = null;
    this.opened = false;
    this.failures = 0;
    this.timer = null;
    this.state = '';
    this.log = [];
  }

  Page.prototype.settings = function () {
    var data = badgeData(this.board, this.badgeType) || {};
    return {
      mode: this.panel ? 'nudge' : data.mode || 'extend',
      whole: data.whole === '1',
      series: data.series ? JSON.parse(data.series) : [],
      chosen: data.chosen ? JSON.parse(data.chosen) : {},
      options: data.options === '1',
      refreshMs: parseInt(data.refreshMs || '5000', 10),
      safetyMs: parseInt(data.safetyMs || '60000', 10),
    };
  };

  Page.prototype.show = function (state, text) {
    if (this.state === state) return;
    this.state = state;
    setProps(this.badgeType, this.board, {
      children: text,
      className: 'badge ms-2 bk-push bk-push-' + state + ' text-bg-' +
        ({live: 'success', reconnecting: 'warning', down: 'danger', polling: 'secondary',
          hidden: 'secondary'}[state] || 'secondary'),
    });
  };

  Page.prototype.poll = function (on) {
    // While pushed, a live view's HTTP poll is off: viewers cost no per-viewer callbacks.
    // A panel view keeps a slow one for what changes with time alone (ages, "connected").
    var settings = this.settings();
    if (this.panel) {
      setProps(this.pollType, this.board, {interval: on ? settings.refreshMs : settings.safetyMs});
      // The pickers' options are pushed too: their own poll rests meanwhile.
      if (settings.options) setProps('bk-options-poll', this.board, {disabled: !on});
    } else {
      setProps(this.pollType, this.board, {disabled: !on, interval: settings.refreshMs});
    }
  };

  Page.prototype.nudge = function () {
    // The page's own update, at once: it fetches what the page lacks.
    setProps(this.pollType, this.board, {n_intervals: Date.now()});
  };

  Page.prototype.cursorChanged = function (cursor) {
    this.cursor = cursor;
    var usable = cursor && cursor.ok && cursor.live && cursor.sig;
    if (!usable) {
      this.stop();
      this.series = [];
      this.sig = null;
      this.show('', '');
      this.poll(true);
      return;
    }
    // Same view: the stream (or the wait before the next attempt) goes on as it is.
    if (cursor.sig === this.sig && (this.source || this.timer)) return;
    var chosen = JSON.parse(cursor.sig)[0];
    this.sig = cursor.sig;
    this.series = this.settings().whole ? ['*'] : chosen;
    this.lastBySeries = {};
    this.failures = 0;
    this.connect();
  };

  Page.prototype.choicesChanged = function (choices) {
    // A panel view watches its shared sources, plus one series per source that depends
    // on the viewer's picks: `panel:<source>?<pick>=<value>` (for the values settled).
    var settings = this.settings();
    var series = settings.series.slice();
    Object.keys(settings.chosen).sort().forEach(function (source) {
      var names = settings.chosen[source];
      var pairs = [];
      for (var i = 0; i < names.length; i++) {
        var value = choices[names[i]];
        if (value === null || value === undefined || value === '') return;
        pairs.push(encodeURIComponent(names[i]) + '=' + encodeURIComponent(String(value)));
      }
      series.push('panel:' + source + '?' + pairs.join('&'));
    });
    var sig = JSON.stringify(series);
    // Same series: the stream (or the wait before the next attempt) goes on as it is.
    if (sig === this.sig) return;
    this.sig = sig;
    this.series = series;
    this.failures = 0;
    this.connect();
  };

  Page.prototype.after = function () {
    var base = this.cursor && this.cursor.last ? timeMs(this.cursor.last) : null;
    var oldest = null;
    for (var i = 0; i < this.series.length; i++) {
      var known = this.lastBySeries[this.series[i]];
      var mine = known === undefined ? base : known;
      if (mine === null) continue;
      oldest = oldest === null ? mine : Math.min(oldest, mine);
    }
    return oldest;
  };

  Page.prototype.url = function () {
    var query = this.series.map(function (s) { return 'series=' + encodeURIComponent(s); });
    var after = this.panel ? null : this.after();
    if (after !== null) query.push('after=' + Math.floor(after));
    return pushUrl() + '?' + query.join('&');
  };

  Page.prototype.stop = function () {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.source) this.source.close();
    this.source = null;
  };

  Page.prototype.connect = function () {
    this.stop();
    if (!this.series.length || document.hidden) return;
    var self = this;
    var url = this.url();
    var source = new EventSource(url);
    this.source = source;
    this.opened = false;
    source.onopen = function () {
      // A panel view missed its nudges while away: one update catches it up.
      if (self.panel && self.everOpened) self.nudge();
      self.opened = true;
      self.everOpened = true;
      self.failures = 0;
      self.poll(false);
      self.show('live', 'Live (pushed)');
    };
    source.onerror = function () {
      if (self.source !== source) return;
      source.close();
      self.source = null;
      self.failed(url, self.opened);
    };
    source.addEventListener('points', function (e) { self.points(JSON.parse(e.data)); });
    source.addEventListener('state', function (e) { self.sourceState(JSON.parse(e.data)); });
    source.addEventListener('changed', function (e) {
      self.record(JSON.parse(e.data));
      self.nudge();
    });
    source.addEventListener('reset', function () { self.reset(); });
  };

  Page.prototype.failed = function (url, wasOpen) {
    var self = this;
    this.failures += 1;
    if (wasOpen) {
      this.retry('Reconnecting…');
      return;
    }
    // Never opened: a refusal (a proxy, a 4xx, not an event stream) means falling back to
    // polling; a board that is down or restarting (5xx from the gateway, no answer) is
    // tried again with backoff.
    var abort = new AbortController();
    fetch(url, {headers: {Accept: 'text/event-stream'}, signal: abort.signal})
      .then(function (answer) {
        abort.abort();
        var type = answer.headers.get('content-type') || '';
        var refused = answer.status < 500 && !(answer.ok && type.indexOf('text/event-stream') === 0);
        if (refused || answer.status === 501) self.fallback();
        else self.retry('Reconnecting…');
      })
      .catch(function () { self.retry('Reconnecting…'); });
  };

  Page.prototype.retry = function (text) {
    var self = this;
    this.show('reconnecting', text);
    // Points keep coming through the page's poll until the stream is back.
    this.poll(this.panel || this.failures > 3);
    // Doubling from 1 s, with jitter so that the pages of a restarted board do not all
    // come back at once.
    var wait = Math.min(MAX_BACKOFF_MS, 1000 * Math.pow(2, Math.max(0, this.failures - 1)));
    wait = wait * (0.75 + Math.random() / 2);
    this.timer = setTimeout(function () { self.connect(); }, wait);
  };

  Page.prototype.fallback = function () {
    var self = this;
    this.show('polling', 'Polling (push unavailable)');
    this.poll(true);
    this.timer = setTimeout(function () { self.connect(); }, RETRY_PUSH_MS);
  };

  Page.prototype.sourceState = function (data) {
    if (data.state === 'source-down') this.show('down', 'Data source unavailable');
    else if (this.source) this.show('live', 'Live (pushed)');
  };

  Page.prototype.reset = function () {
    // Cannot be caught up point by point: redraw through the usual callback; the new
    // cursor it brings reconnects with the right `after`.
    this.stop();
    if (this.panel) {
      this.nudge();
      this.connect();
      return;
    }
    this.sig = null;
    setProps('bk-cursor', this.board, {data: null});
    this.nudge();
  };

  Page.prototype.record = function (data) {
    var now = Date.now();
    this.log.push({series: data.series, t: data.t, received: now});
    if (this.log.length > LOG_SIZE) this.log.shift();
  };

  Page.prototype.points = function (data) {
    this.record(data);
    var newest = data.t[data.t.length - 1];
    var settings = this.settings();
    if (settings.mode !== 'extend') {
      this.lastBySeries[data.series] = newest;
      this.nudge();
      return;
    }
    var gd = graphDiv(this.board);
    var keys = (this.cursor && this.cursor.keys) || [];
    if (!gd || !gd.data) return;
    var update = {};
    var indices = [];
    var counts = [];
    for (var i = 0; i < data.traces.length; i++) {
      var trace = data.traces[i];
      var index = keys.indexOf(trace.key);
      if (index < 0 || !gd.data[index]) {
        // A trace the figure does not have yet: the usual callback redraws.
        this.reset();
        return;
      }
      var shown = gd.data[index].x || [];
      var lastX = shown.length ? shown[shown.length - 1] : null;
      var xs = trace.columns.x || [];
      var first = 0;
      while (first < xs.length && lastX !== null && xs[first] !== null && xs[first] <= lastX) first++;
      if (first >= xs.length) continue;
      for (var path in trace.columns) {
        if (!update[path]) update[path] = [];
        update[path].push(trace.columns[path].slice(first));
      }
      indices.push(index);
      counts.push(this.keep(shown, xs.length - first, data));
    }
    this.lastBySeries[data.series] = newest;
    if (!indices.length) return;
    var maxPoints = {};
    for (var p in update) maxPoints[p] = counts;
    setProps('bk-graph', this.board, {extendData: [update, indices, maxPoints]});
    var cursor = Object.assign({}, this.cursor, {last: data.last});
    this.cursor = cursor;
    setProps('bk-cursor', this.board, {data: cursor});
    var age = Math.max(0, Math.round((Date.now() - newest) / 1000));
    setProps('bk-freshness', this.board, {
      children: 'last point ' + age + ' s ago · pushed ' + new Date().toLocaleTimeString(),
    });
  };

  Page.prototype.keep = function (shown, added, data) {
    // How many points the trace keeps: the last N window keeps N; a rolling span keeps
    // what is younger than the span (x is wall-clock time in the tenant's zone; the
    // newest point's x and its epoch time give the zone's offset).
    var windowKey = JSON.parse(this.sig)[1];
    if (windowKey[0] === 'n') return parseInt(windowKey.slice(1), 10);
    var total = shown.length + added;
    if (windowKey[0] !== 's' || !data.traces.length) return total;
    var xs = data.traces[0].columns.x;
    var offset = Date.parse(xs[xs.length - 1] + 'Z') - data.t[data.t.length - 1];
    var cutoff = new Date(Date.now() - parseInt(windowKey.slice(1), 10) * 1000 + offset)
      .toISOString().slice(0, 23);
    var older = 0;
    while (older < shown.length && shown[older] !== null && shown[older] < cutoff) older++;
    return Math.max(1, total - older);
  };

  document.addEventListener('visibilitychange', function () {
    Object.keys(pages).forEach(function (board) {
      var page = pages[board];
      if (document.hidden) {
        page.stop();
        if (page.series.length) page.show('hidden', 'Paused (tab hidden)');
      } else if (page.series.length) {
        page.connect();
      }
    });
  });

  window.boardkitPush = {
    /* Called by the kit's clientside callback with each new cursor of a board. */
    cursor: function (board, cursor) {
      if (!pages[board]) pages[board] = new Page(board, 'live');
      pages[board].cursorChanged(cursor);
    },
    /* Called by the kit's clientside callback with each rendering of a panel board and
     * each change of the picks its series depend on ({pick: value}). */
    panel: function (board, choices) {
      if (!pages[board]) pages[board] = new Page(board, 'panel');
      pages[board].choicesChanged(choices || {});
    },
    /* What arrived, for checks from the console: series, point times, receive time. */
    log: function (board) {
      return pages[board] ? pages[board].log.slice() : [];
    },
  };
})();
