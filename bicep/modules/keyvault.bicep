// Key Vault with RBAC authorization holding the SendGrid API key and the monitor webhook credentials. The app reads
// them through Key Vault references in its app settings, resolved with the user-assigned identity.
// https://learn.microsoft.com/azure/app-service/app-service-key-vault-references
param name string
param location string
param tags object
@secure()
param sendGridApiKey string
@description('Monitor sources with a webhook credential.')
param webhookSources string[]
@secure()
@description('Webhook credential per monitor source, e.g. { github: "..." }; a source missing here fails the deployment.')
param webhookCredentials object

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

resource sendGridSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'sendgrid-api-key'
  properties: {
    value: sendGridApiKey
    contentType: 'text/plain'
  }
}

resource webhookSecrets 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = [for s in webhookSources: {
  parent: vault
  name: 'webhook-${toLower(s)}'
  properties: {
    value: webhookCredentials[s]
    contentType: 'text/plain'
  }
}]

output name string = vault.name
output vaultUri string = vault.properties.vaultUri
// Versionless URI: the app picks up a rotated secret (App Service refreshes references within 24 h or on restart).
output sendGridApiKeySecretUri string = sendGridSecret.properties.secretUri
// In the order of webhookSources.
output webhookSecretUris string[] = [for (s, i) in webhookSources: webhookSecrets[i].properties.secretUri]
