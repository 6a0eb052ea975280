// Recent activity from the index's history tables: associations (who sent
// what, when, how it ended) and events (failures and notes), and instances
// received per hour over the last day. Read through the SQL console's API.

import {indexDatabase, sql} from './api.js';
import {chart} from './chart.js';
import {h, message, replace} from './dom.js';
import {resultGrid} from './result_grid.js';

// A day ago (UTC) as received_at writes times, in the index's SQL.
const DAY_AGO = {
  sqlite: "strftime('%Y-%m-%dT%H:%M:%S', 'now', '-1 day')",
  postgresql: "to_char(now() AT TIME ZONE 'UTC' - interval '1 day', 'YYYY-MM-DD\"T\"HH24:MI:SS')",
};

// The first query's statement is made for the index's SQL (DAY_AGO).
const QUERIES = [
  ['Instances received per hour (last 24 hours)',
   (dayAgo) => "SELECT substr(received_at, 1, 13) || ':00' AS hour, count(*) AS instances " +
   `FROM instances WHERE received_at >= ${dayAgo} GROUP BY 1 ORDER BY 1`, true],
  ['Associations',
   'SELECT started_at, calling_aet, called_aet, peer_address, instances, bytes, outcome, ended_at ' +
   'FROM associations ORDER BY association_pk DESC LIMIT 50'],
  ['Events', 'SELECT at, kind, calling_aet, status_code, sop_instance_uid, detail FROM events ' +
   'ORDER BY event_pk DESC LIMIT 50'],
];

export function renderActivity(view) {
  const sections = QUERIES.map(([title]) => h('section', {}, h('h2', {}, title)));
  replace(view, h('h1', {}, 'Activity'), sections);
  async function refresh() {
    await Promise.all(QUERIES.map(async ([title, statement, asChart], k) => {
      try {
        const text = typeof statement === 'function'
          ? statement(DAY_AGO[await indexDatabase()]) : statement;
        const result = await sql(text, 200);
        const body = result.rows.length === 0 ? message('empty', 'Nothing yet.')
          : asChart ? chart(result.rows.map((r) => ({label: r[0], value: r[1]})), 'bar')
          : h('div', {class: 'scroll'}, resultGrid(result));
        replace(sections[k], h('h2', {}, title), body);
      } catch (error) {
        replace(sections[k], h('h2', {}, title), message('error', error.message));
      }
    }));
  }
  refresh();
  return {refresh};
}
