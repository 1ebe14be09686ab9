// Example parameters. Secrets come from environment variables, never from this file:
//   DPO_KEY_SHA256=... SENDGRID_API_KEY=... WEBHOOK_CREDENTIALS='{"github":"..."}' az deployment group create -g <rg> -p bicep/main.bicepparam
using 'main.bicep'

param name = 'breachnotify'

param organisation = {
  name: 'Example B.V.'
  dpoName: 'Data Protection Officer'
  dpoEmail: 'dpo@example.org'
  leadAuthority: 'NL'
  timeZone: 'Europe/Amsterdam'
}

// SHA-256 (hex) of each key, never the key (README "Make an API key"). Add viewers and reporters here.
param apiKeys = [
  {
    name: 'dpo'
    role: 'dpo'
    keySha256: readEnvironmentVariable('DPO_KEY_SHA256')
  }
]

param sendGridApiKey = readEnvironmentVariable('SENDGRID_API_KEY')

// { "<source>": "<HMAC secret or bearer token>" }; the source names (not secret) become their own parameter.
var webhookCredentialsBySource = json(readEnvironmentVariable('WEBHOOK_CREDENTIALS', '{}'))
param webhookSources = objectKeys(webhookCredentialsBySource)
param webhookCredentials = webhookCredentialsBySource
