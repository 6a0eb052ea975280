// The two browsers the web page is tested in, each launched headless from
// Debian's package with a new, empty profile and no traffic but to the
// archive on loopback; the journey (webui.test.mjs) is the same for both.
//   chromium     /usr/bin/chromium over the DevTools protocol (playwright-core)
//   firefox      /usr/bin/firefox-esr over WebDriver BiDi (playwright-core's
//                "moz-" channel, which drives a stock Firefox: no patched
//                build, no browser download)
// PIXELDEX_BROWSER picks one (default chromium); PIXELDEX_CHROMIUM and
// PIXELDEX_FIREFOX override the executables.

import {chromium, firefox} from 'playwright-core';

const LAUNCHERS = {
  chromium: () => chromium.launch({
    executablePath: process.env.PIXELDEX_CHROMIUM ?? '/usr/bin/chromium',
    // As root in a sandbox-less container; no traffic but to the archive.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  }),
  firefox: () => firefox.launch({
    channel: 'moz-firefox',
    executablePath: process.env.PIXELDEX_FIREFOX ?? '/usr/bin/firefox-esr',
    timeout: 120000,  // a cold first start on a loaded machine
    // playwright-core's profile already turns off updates, telemetry, safe
    // browsing and the captive-portal probe; whatever else Firefox would
    // fetch goes to a proxy that is not there (loopback is never proxied).
    firefoxUserPrefs: {
      'network.proxy.type': 1,
      'network.proxy.http': '127.0.0.1',
      'network.proxy.http_port': 9,
      'network.proxy.ssl': '127.0.0.1',
      'network.proxy.ssl_port': 9,
      'network.proxy.share_proxy_settings': true,
      'network.dns.disablePrefetch': true,
      'network.prefetch-next': false,
    },
  }),
};

export const BROWSER = process.env.PIXELDEX_BROWSER ?? 'chromium';

export function launchBrowser() {
  const launch = LAUNCHERS[BROWSER];
  if (!launch) throw new Error(`PIXELDEX_BROWSER=${BROWSER}: not one of ${Object.keys(LAUNCHERS)}`);
  return launch();
}
