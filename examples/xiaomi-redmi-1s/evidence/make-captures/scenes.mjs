// What the reconstructed captures contain: who talks to whom, when (the
// reconstructed time each exchange is shifted to), what is sent, and which
// fake identifier is planted where. lab.mjs and har.mjs play these scenes;
// expected.mjs checks the result against them and writes the ground truth.
// Every value here is invented for the demonstration; the identifiers are the
// fake test values of device D1 in redmi-1s.audit.md.

export const PHONE = '192.168.50.23';
export const RESOLVER = '192.168.50.1';

/** Server addresses, all inside 42.62.48.0/24 (the range of the public account). */
export const SERVERS = {
  accountFirst: '42.62.48.17', // api.account.xiaomi.com, first run
  accountSignedIn: '42.62.48.113', // api.account.xiaomi.com, after sign-in and in the retest
  update: '42.62.48.50', // update.miui.example (invented generic host)
  time: '42.62.48.60', // time.miui.example (invented generic host)
};

/** Every address make.sh puts on `lo` (and removes afterwards). */
export const LOOPBACK_ADDRESSES = [PHONE, RESOLVER, ...Object.values(SERVERS)];

export const ACCOUNT_HOST = 'api.account.xiaomi.com';

/** The fake identifiers of device D1 (and the two other people's numbers). */
export const VALUES = {
  imei: '869999012345677',
  phone: '+12025550101',
  imsi: '001010000012345',
  contact: '+12025550142',
  smsSender: '+12025550177',
  carrier: 'ExampleTel',
};

/** An Android 4.3 HttpURLConnection user agent, as a Redmi 1S on MIUI V5 would send. */
export const UA_BEFORE = 'Dalvik/1.6.0 (Linux; U; Android 4.3; HM 1SW Build/JLS36C)';
export const UA_AFTER = UA_BEFORE; // the OTA update of 2014-08-10 kept Android 4.3

/** The retest's base64 PLACEHOLDER body, copied from retest-2014-08-14.log (decodes to a sentence saying so). */
export const PLACEHOLDER = 'UkVDT05TVFJVQ1RFRCBQTEFDRUhPTERFUjogdGhlIG9yaWdpbmFsIHBheWxvYWQgaXMgbm90IHB1YmxpYw==';

const JSON_TYPE = 'application/json;charset=UTF-8';
const OK = { status: 200, type: JSON_TYPE, body: '{"code":0,"result":"ok"}' };
const NO_UPDATE = { status: 200, type: JSON_TYPE, body: '{"code":0,"update":false}' };

/** The resolver's answers: the two generic hosts, and the account host at `account`. */
const zoneWith = (account) => ({ 'time.miui.example': SERVERS.time, 'update.miui.example': SERVERS.update, [ACCOUNT_HOST]: account });

/**
 * How every run starts: the phone looks up and asks the time server, then
 * checks for a system update. No identifier in any of it.
 */
function genericStart({ times: [dnsTime, ntp, dnsUpdate, ota], ports: [p1, p2, p3, p4], dnsIds: [id1, id2], build, ua, label }) {
  return [
    { kind: 'dns', at: dnsTime, name: 'time.miui.example', localPort: p1, id: id1 },
    { kind: 'ntp', at: ntp, server: SERVERS.time, localPort: p2, label: `${label}: time request (NTP), no identifier` },
    { kind: 'dns', at: dnsUpdate, name: 'update.miui.example', localPort: p3, id: id2 },
    {
      kind: 'http', at: ota, server: SERVERS.update, localPort: p4,
      method: 'GET', host: 'update.miui.example', target: `/reconstructed/ota/check?device=HM1SW&build=${build}&lang=en_US`,
      ua, reply: NO_UPDATE, label: `${label}: OTA update check, no identifier`,
    },
  ];
}

/** A Cloud Messaging number lookup (F2, F3): one other person's number in a JSON body. */
function numberLookup({ flow, step, at, localPort, number, reason, category, what }) {
  return {
    kind: 'http', flow, step, at, server: SERVERS.accountFirst, localPort,
    method: 'POST', host: ACCOUNT_HOST, target: '/reconstructed/cloud-messaging/lookup',
    type: 'application/json',
    body: JSON.stringify({ numbers: [number], reason }),
    ua: UA_BEFORE, reply: OK,
    label: `RECONSTRUCTION ${flow} (${what} phone number in a JSON body (fake value)`,
    planted: [{ category, value: number, where: 'body', name: 'numbers', form: 'JSON string in an array, E.164', chain: ['json'] }],
  };
}

const SHARED_COMMENT =
  'RECONSTRUCTION for the Privacy Audit example report (examples/xiaomi-redmi-1s/redmi-1s.audit.md), ' +
  'not the original capture of the 2014 test, which was never published. ' +
  "Made on this machine's loopback interface by evidence/make-captures/make.sh: the addresses were put on lo " +
  '(so the Ethernet header is all zeros), each exchange was captured with tcpdump and its timestamps shifted ' +
  'with editcap to the reconstructed time, then the pieces were merged with mergecap. ' +
  'Host, address range and data categories follow the public account; every time, port, path, field name, ' +
  'the generic hosts *.miui.example and all identifier values are invented. ' +
  'The identifiers are the FAKE test values of device D1 in the report.';

/**
 * The two packet captures. Exchanges: `dns` (phone asks the resolver),
 * `ntp` (phone asks the time server), `http` (one request on its own TCP
 * connection from `localPort`). `planted` lists the identifiers a request
 * carries (categories as the report writes them; `chain` is the encoding as
 * planted, outermost first, in the scan's transform names).
 */
export const PCAPS = [
  {
    file: 'capture-2014-08-06-no-signin.pcapng',
    comment:
      SHARED_COMMENT +
      ' First run WITHOUT any Mi account or Mi Cloud sign-in (steps S1-S6), 2014-08-06. ' +
      'Plain HTTP on port 80 keeps the demonstration readable: the public account does not say whether ' +
      'the original requests were encrypted, and the report records encryption: unknown.',
    zone: zoneWith(SERVERS.accountFirst),
    exchanges: [
      ...genericStart({
        times: ['2014-08-06T09:12:40.212Z', '2014-08-06T09:12:40.247Z', '2014-08-06T09:12:41.105Z', '2014-08-06T09:12:41.163Z'],
        ports: [38211, 38212, 38215, 40118], dnsIds: [0x51a2, 0x51a3], build: 'JHCCNBF', ua: UA_BEFORE, label: 'generic',
      }),
      { kind: 'dns', at: '2014-08-06T09:12:41.602Z', name: ACCOUNT_HOST, localPort: 38219, id: 0x51a4 },
      {
        kind: 'http', flow: 'F1', step: 'S2', at: '2014-08-06T09:12:44.118Z', server: SERVERS.accountFirst, localPort: 40122,
        method: 'POST', host: ACCOUNT_HOST, target: '/reconstructed/cloud-messaging/activate',
        type: 'application/x-www-form-urlencoded',
        body: `imei=${VALUES.imei}&phone=${encodeURIComponent(VALUES.phone)}&operator=${VALUES.carrier}`,
        ua: UA_BEFORE, reply: OK,
        label: 'RECONSTRUCTION F1 (step S2, Wi-Fi connected, no sign-in): carrier name, IMEI and own phone number in a form body (fake values)',
        planted: [
          { category: 'IMEI', value: VALUES.imei, where: 'body', name: 'imei', form: 'form field, plain digits', chain: ['form'] },
          { category: 'phone number', value: VALUES.phone, where: 'body', name: 'phone', form: "form field, E.164 with '+' percent-encoded as %2B (part of form encoding)", chain: ['form'] },
          { category: 'carrier name', value: VALUES.carrier, where: 'body', name: 'operator', form: 'form field, plain text', chain: ['form'] },
        ],
      },
      numberLookup({
        flow: 'F2', step: 'S4', at: '2014-08-06T09:19:02.305Z', localPort: 40131, number: VALUES.contact,
        reason: 'contact-added', category: 'contacts', what: "step S4, contact added): the new contact's",
      }),
      // The TTL of the first answer (600 s) has run out by S5: the phone asks again.
      { kind: 'dns', at: '2014-08-06T09:24:37.361Z', name: ACCOUNT_HOST, localPort: 38227, id: 0x51a5 },
      numberLookup({
        flow: 'F3', step: 'S5', at: '2014-08-06T09:24:37.412Z', localPort: 40140, number: VALUES.smsSender,
        reason: 'sms-received', category: 'sms metadata', what: "step S5, SMS received): the SMS sender's",
      }),
    ],
  },
  {
    file: 'retest-2014-08-14.pcapng',
    comment:
      SHARED_COMMENT +
      ' Retest of 2014-08-14 after the OTA update of 2014-08-10. Phase A (08:05:40-08:20:00, Cloud Messaging off ' +
      'by default, no sign-in): only generic traffic (time, update check), nothing to api.account.xiaomi.com. ' +
      'Phase B (from 08:24:30, the tester switched Cloud Messaging on and signed in to Mi Cloud; the sign-in ' +
      'itself is not reproduced): one request to api.account.xiaomi.com whose body is the base64 PLACEHOLDER of ' +
      'retest-2014-08-14.log. The public account does not name the host of the encoded traffic nor say what it ' +
      'carried; the host here is a choice of the reconstruction and the placeholder claims nothing about the content.',
    zone: zoneWith(SERVERS.accountSignedIn), // the address F4 used after the sign-in
    exchanges: [
      ...genericStart({
        times: ['2014-08-14T08:05:41.020Z', '2014-08-14T08:05:41.058Z', '2014-08-14T08:05:52.301Z', '2014-08-14T08:05:52.344Z'],
        ports: [39301, 39302, 39305, 41203], dnsIds: [0x6c01, 0x6c02], build: 'JHCCNBH', ua: UA_AFTER, label: 'phase A, generic',
      }),
      { kind: 'ntp', at: '2014-08-14T08:16:41.502Z', server: SERVERS.time, localPort: 39311, label: 'phase A, generic: time request (NTP), no identifier' },
      { kind: 'dns', at: '2014-08-14T08:25:08.874Z', name: ACCOUNT_HOST, localPort: 39320, id: 0x6c03 },
      {
        kind: 'http', step: 'S10', at: '2014-08-14T08:25:09.113Z', server: SERVERS.accountSignedIn, localPort: 41230,
        method: 'POST', host: ACCOUNT_HOST, target: '/reconstructed/cloud-messaging/sync',
        type: 'application/octet-stream', body: PLACEHOLDER,
        ua: UA_AFTER, reply: OK,
        label: 'phase B (after opt-in and sign-in): base64 body, a PLACEHOLDER that claims nothing about the original content',
        placeholder: true,
      },
    ],
  },
];

/** The HAR of the run after the Mi Cloud sign-in, recorded by Chromium (har.mjs). */
export const HAR = {
  file: 'capture-2014-08-06-micloud-signin.recorded.har',
  server: SERVERS.accountSignedIn,
  host: ACCOUNT_HOST,
  /** The first recorded entry is shifted to this time; the others keep their offsets. */
  firstEntryAt: '2014-08-06T13:41:05.120Z',
  ua: UA_BEFORE,
  comment:
    'RECONSTRUCTION for the Privacy Audit example report (examples/xiaomi-redmi-1s/redmi-1s.audit.md), not the ' +
    'original capture of the 2014 test, which was never published. Run after the Mi Cloud sign-in (step S7, ' +
    '2014-08-06), flow F4. Recorded for real by Chromium (Playwright recordHar) on this machine\'s loopback, ' +
    'with the host mapped to 42.62.48.113, standing in for the phone (its user agent set to the phone\'s); made ' +
    'by evidence/make-captures/make.sh. Post-processing: only the startedDateTime values were shifted to the ' +
    'reconstructed date (the offsets between entries kept) and this comment was added. Plain HTTP keeps the ' +
    'demonstration readable; whether the original traffic was encrypted is not known. The sign-in request ' +
    'itself is not reproduced. Paths, field names and all identifier values are invented; the identifiers are ' +
    'the FAKE test values of device D1 in the report.',
  requests: [
    {
      flow: 'F4', step: 'S7', method: 'POST',
      target: `/reconstructed/cloud-messaging/account-bind?phone=${encodeURIComponent(VALUES.phone)}`,
      headers: { 'Content-Type': 'application/json', 'X-Sim-Imsi': VALUES.imsi },
      body: JSON.stringify({ deviceId: Buffer.from(VALUES.imei).toString('base64'), app: 'cloud-messaging', v: 1 }),
      reply: OK,
      planted: [
        { category: 'IMSI', value: VALUES.imsi, where: 'header', name: 'X-Sim-Imsi', form: 'header value, plain digits', chain: ['plain'] },
        { category: 'IMEI', value: VALUES.imei, where: 'body', name: 'deviceId', form: 'base64 of the digits, as a JSON string field', chain: ['json', 'base64'] },
        { category: 'phone number', value: VALUES.phone, where: 'query', name: 'phone', form: "query parameter, E.164 with '+' percent-encoded as %2B in the URL (the HAR's queryString holds it decoded)", chain: ['url'] },
      ],
    },
    {
      method: 'GET', target: '/reconstructed/greetings/preset?lang=en',
      headers: {},
      reply: { status: 200, type: JSON_TYPE, body: '{"code":0,"greetings":["Good morning!","Happy holidays!"]}' },
    },
  ],
};
