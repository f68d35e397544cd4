/* The demo storefront: the plugin's browser client (window.Segments) against the playground. */
(function () {
  var config = window.STOREFRONT_CONFIG;
  var params = new URLSearchParams(location.search);
  var visitor = params.get('visitor') || '';
  var select = document.getElementById('visitor');
  var $ = function (id) { return document.getElementById(id); };
  var accepted = 0;

  function log(line) {
    var row = document.createElement('div');
    row.textContent = new Date().toLocaleTimeString() + '  ' + line;
    $('log').prepend(row);
  }

  // Counts what Strapi accepted, so the page (and the e2e test) can see tracking work.
  function countingFetch(url, init) {
    return fetch(url, init).then(function (res) {
      if (/\/events$/.test(url) && res.status === 202) {
        res.clone().json().then(function (body) {
          accepted += body.accepted;
          $('sent').textContent = String(accepted);
          log('events → 202, accepted ' + body.accepted);
        });
      }
      return res;
    });
  }

  // A demo visitor is a fixed anonymous id; "this browser" lets the client create and keep one.
  var client = Segments.createClient({
    url: config.strapiUrl,
    anonymousId: visitor || undefined,
    flushIntervalMs: 1000,
    fetch: countingFetch,
    onError: function (error) { log('error: ' + error.message); },
  });
  // For the console and the e2e test.
  window.storefrontClient = client;
  // A visitor named in the URL but not in the list (e.g. by a test) gets an entry of its own.
  if (visitor && !Array.prototype.some.call(select.options, function (o) { return o.value === visitor; })) {
    select.add(new Option(visitor, visitor));
  }
  select.value = visitor;
  select.addEventListener('change', function () {
    location.search = select.value ? '?visitor=' + encodeURIComponent(select.value) : '';
  });
  $('anonymous-id').textContent = client.anonymousId();

  function renderBanner(result) {
    var hero = $('hero');
    hero.textContent = '';
    if (!result) {
      hero.dataset.state = 'empty';
      hero.textContent = 'No home-hero banner for this visitor.';
      return;
    }
    var banner = result.banner;
    hero.dataset.state = 'banner';
    hero.dataset.bannerTitle = banner.title;
    var title = document.createElement('h2');
    title.textContent = banner.title;
    hero.appendChild(title);
    if (banner.ctaUrl) {
      var cta = document.createElement('a');
      cta.href = banner.ctaUrl;
      cta.textContent = banner.ctaLabel || 'Learn more';
      cta.addEventListener('click', function () { client.track('banner_click', { placement: 'home-hero', banner: banner.documentId }); });
      hero.appendChild(cta);
    }
  }

  // In-app messages: the highest-priority one due now, shown once per page view by the plugin's
  // default renderer (a site with its own UI passes onMessage instead).
  function showInapp() {
    return SegmentsInapp.showMessages(client).then(function (due) {
      document.body.dataset.inapp = due.length ? due[0].campaign : 'none';
      log('in-app: ' + (due.length ? due.length + ' due, showing "' + due[0].title + '"' : 'none due'));
    }).catch(function (error) { log('in-app error: ' + error.message); });
  }

  function refresh() {
    return client.flush().then(function () {
      return Promise.all([client.me(), client.placement('home-hero')]);
    }).then(function (answers) {
      var me = answers[0];
      $('profile').textContent = me.profileId === null ? 'none yet' : String(me.profileId);
      $('segments').textContent = me.segments.length ? me.segments.join(', ') : 'none';
      renderBanner(answers[1]);
      document.body.dataset.ready = 'true';
    }).catch(function (error) {
      log('error: ' + error.message);
      $('hero').dataset.state = 'error';
      $('hero').textContent = 'Could not reach Strapi at ' + config.strapiUrl + ': ' + error.message;
    });
  }

  document.querySelectorAll('button[data-track]').forEach(function (button) {
    button.addEventListener('click', function () {
      client.track(button.dataset.track, JSON.parse(button.dataset.props || '{}'));
      log('track ' + button.dataset.track);
      refresh();
    });
  });
  document.querySelectorAll('button[data-identify]').forEach(function (button) {
    button.addEventListener('click', function () {
      var traits = JSON.parse(button.dataset.identify);
      client.identify(traits).then(function () {
        log('identify ' + JSON.stringify(traits));
        return refresh();
      });
    });
  });

  // Web Push: the permission prompt must come from a click.
  $('push').addEventListener('click', function () {
    $('push-state').textContent = 'asking…';
    client.subscribePush().then(function (state) {
      $('push-state').textContent = state;
      $('push-state').dataset.state = state;
      log('push: ' + state);
    }).catch(function (error) {
      $('push-state').textContent = 'failed: ' + error.message;
      $('push-state').dataset.state = 'failed';
      log('push error: ' + error.message);
    });
  });

  // What the webhook campaign delivered to the shop's CRM (the storefront server receives it).
  function pollCrm() {
    fetch('/hooks/log').then(function (res) { return res.json(); }).then(function (rows) {
      $('crm-count').textContent = String(rows.filter(function (r) { return r.verified; }).length);
      $('crm-last').textContent = rows.length ? rows[0].at + (rows[0].verified ? ' (signature verified) ' : ' (REFUSED: ' + rows[0].reason + ') ') + rows[0].body : '';
    }).catch(function () {});
  }
  pollCrm();
  setInterval(pollCrm, 5000);

  refresh().then(showInapp);
})();
