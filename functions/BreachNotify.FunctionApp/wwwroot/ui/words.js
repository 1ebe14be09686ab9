// Plain words for the assessment contract's values (docs/risk-engine.md). Keys are the API's wire names.
export const breachTypes = [
  ['confidentiality', 'Disclosed or accessed', 'Someone who should not have seen the data could have (sent to the wrong person, stolen, hacked, published).'],
  ['integrity', 'Altered', 'Data was changed or corrupted without authorisation.'],
  ['availability', 'Lost or unavailable', 'Data was lost, destroyed or could not be reached (ransomware, deleted, outage).'],
];

export const dataCategories = [
  ['contact', 'Contact details', 'name, e-mail, phone, postal address'],
  ['identity', 'Identity details', 'date or place of birth, gender, family'],
  ['official-id', 'Official ID numbers', 'national id, social security or tax number, passport'],
  ['financial', 'Financial data', 'account numbers, income, transactions, billing'],
  ['payment-card', 'Payment card data', ''],
  ['credentials', 'Passwords or access tokens', 'passwords, tokens, security answers'],
  ['usage', 'Behaviour', 'browsing, purchase history'],
  ['location', 'Location data', ''],
  ['communications', 'Message contents', 'e-mails, chats'],
  ['employment', 'Employment / HR data', ''],
  ['education', 'Education data', ''],
  ['health', 'Health data', 'special category, GDPR Art 9'],
  ['special-category', 'Other sensitive data', 'ethnicity, religion, politics, union, sexual life, biometrics (Art 9)'],
  ['criminal', 'Criminal records', 'convictions and offences (Art 10)'],
];

export const protection = [
  ['none', 'None — readable as it is'],
  ['encrypted', 'Encrypted (state of the art)'],
  ['hashed', 'Strongly hashed with salt'],
  ['pseudonymised', 'Pseudonymised'],
];

export const exposure = [
  ['none', 'Nobody — no sign anyone saw it (lost or locked data)'],
  ['trusted-recipient', 'A few known, trusted people bound by confidentiality'],
  ['known-recipients', 'Known, identified recipients'],
  ['unknown-recipients', 'Unknown people — stolen, published or an attacker'],
];

export const exfiltration = [
  ['ruled-out', 'Ruled out — we know nothing was copied'],
  ['unknown', 'Unknown — we cannot tell'],
  ['confirmed', 'Confirmed — data was copied out'],
];

export const availabilityImpact = [
  ['none', 'None'],
  ['restored-quickly', 'Restored quickly from backup, no effect on people'],
  ['delayed', 'Days of delay, minor effects'],
  ['severe', 'Severe effects on people (e.g. cancelled care)'],
  ['permanent', 'Data permanently lost'],
];

export const integrityImpact = [
  ['none', 'None'],
  ['recovered', 'Already recovered'],
  ['recoverable', 'Can be recovered'],
  ['unrecoverable', 'Cannot be recovered'],
];

export const riskWords = { unlikely: 'Unlikely to result in a risk', risk: 'Risk', high: 'High risk' };
export const severityWords = { low: 'Low', medium: 'Medium', high: 'High', 'very-high': 'Very high' };

export const noticeKinds = [
  ['authority', 'Authority (Art 33)'],
  ['data-subjects', 'Data subjects (Art 34)'],
  ['controllers', 'Controllers (Art 33(2))'],
  ['public', 'Public (Art 34(3)(c))'],
];
export const phases = [['initial', 'Initial'], ['follow-up', 'Follow-up'], ['final', 'Final']];
export const languages = [['en', 'English'], ['nl', 'Nederlands'], ['fr', 'Français'], ['de', 'Deutsch']];

export const statuses = ['suspected', 'confirmed', 'notified', 'closed', 'dismissed'];
export const openStatuses = ['suspected', 'confirmed', 'notified'];

export const label = (list, value) => (list.find(x => x[0] === value) ?? [value, value])[1];

/** A wire name (camelCase or kebab-case) in words: "notify-data-subjects" → "notify data subjects". */
export const humanize = key => String(key).replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[-_]+/g, ' ').toLowerCase();

/** Uploaded recipients' kinds (GET …/recipients byKindAndLanguage keys). */
export const recipientKinds = [['data-subject', 'Data subjects'], ['controller', 'Controllers']];

/** Who a notice or deadline goes to (the API's recipient values). */
export const noticeRecipients = [
  ['authority', 'Supervisory authority'],
  ['data-subjects', 'Data subjects'],
  ['controllers', 'Controller (we are processor)'],
  ['public', 'Public communication'],
  ['internal', 'Internal step'],
];

/** Per-recipient delivery states of notices (recipientsByStatus, noticesByStatus). */
export const deliveryStatuses = [['queued', 'waiting to be sent'], ['sent', 'sent'], ['delivered', 'delivered'], ['bounced', 'bounced'], ['failed', 'failed']];
export const jobStatuses = [['queued', 'waiting'], ['sending', 'being sent'], ['sent', 'sent'], ['failed', 'failed']];
export const notificationStatuses = [['creating', 'being prepared'], ['queued', 'sending'], ['completed', 'completed']];

const regimeNames = { gdpr: 'GDPR', 'uk-gdpr': 'UK GDPR', nis2: 'NIS2', policy: 'Our policy' };
/** A deadline's obligation in words: "GDPR · notify authority". */
export const obligationText = d => `${regimeNames[d.regime] ?? d.regime.toUpperCase()} · ${humanize(d.obligation)}`;

/** The people-written parts of a notice (PUT …/notice-content/{language}); keys are the API's. */
export const noticeTextFields = [
  ['summary', 'What happened', 'In plain words, for the people affected (Art 34(2)).'],
  ['consequences', 'What it may mean for them', 'The likely consequences (Art 33(3)(c)).'],
  ['measures', 'What we have done', 'Measures taken or proposed, including to limit the harm (Art 33(3)(d)).'],
  ['advice', 'What they can do', 'Steps people can take to protect themselves.'],
];

/** The third-person parts of the authority and controller notices (PUT …/notice-content/{language}/authority). */
export const authorityTextFields = [
  ['summary', 'Nature of the breach', 'What happened, in the third person, for the supervisory authority and controllers (Art 33(3)(a)).'],
  ['consequences', 'Likely consequences', 'The likely consequences for the people concerned (Art 33(3)(c)).'],
  ['measures', 'Measures taken or proposed', 'Including measures to mitigate possible adverse effects (Art 33(3)(d)).'],
];

/** Who a set of notice texts is written for, and the notices that use it (docs/notices.md "Notice texts"). */
export const noticeAudiences = [
  ['people', 'Affected people', noticeTextFields, ['data-subjects', 'public']],
  ['authority', 'Supervisory authority and controllers', authorityTextFields, ['authority', 'controllers']],
];

/** "3 sent, 1 failed": the non-zero counts of an object of counts, in words and in the list's order. */
export function countsText(counts, list, zero = 'none') {
  const parts = list.filter(([k]) => counts?.[k]).map(([k, text]) => `${counts[k]} ${text}`);
  return parts.length ? parts.join(', ') : zero;
}

/** A field named in an API problem, in words: "noticeContent.nl.summary" → "What happened (Nederlands)",
 *  "noticeContent.de.authority.summary" → "Nature of the breach (Deutsch, for the authority and controllers)". */
export function fieldText(key) {
  const m = /^noticeContent\.([a-z]{2})\.(?:(authority)\.)?(\w+)$/.exec(key);
  if (m) return m[2]
    ? `${label(authorityTextFields, m[3])} (${label(languages, m[1])}, for the authority and controllers)`
    : `${label(noticeTextFields, m[3])} (${label(languages, m[1])})`;
  const name = humanize(key.replace(/^facts\./, ''));
  return (key.startsWith('facts.') ? 'Facts: ' : '') + name[0].toUpperCase() + name.slice(1);
}
