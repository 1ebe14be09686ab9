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
