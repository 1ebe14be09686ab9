// Flex Consumption plan (FC1, Linux) and the function app: the .NET isolated worker (runtime dotnet-isolated), deployed
// as a zip from the blob container below. See docs/deploy.md.
// https://learn.microsoft.com/azure/azure-functions/flex-consumption-how-to
import { organisation as organisationType, apiKey } from '../types.bicep'

param planName string
param appName string
param location string
param tags object
param identityId string
param identityClientId string
param storageAccountName string
param tableEndpoint string
param tablePrefix string
param deploymentContainerUrl string
param serviceBusNamespace string
param queueName string
param applicationInsightsConnectionString string
param sendGridApiKeySecretUri string
@description('Monitor sources with a credential in Key Vault (secret webhook-<source>).')
param webhookSources string[]
@description('Versionless URI of each source\'s secret, in the order of webhookSources.')
param webhookSecretUris string[]
param apiKeys apiKey[]
param organisation organisationType
param maximumInstanceCount int
param instanceMemoryMB int

// The app's target framework (net10.0, Directory.Build.props); Flex Consumption runs .NET 10 isolated apps.
var dotnetVersion = '10.0'

// How each monitor source authenticates (functions/BreachNotify.Application/Webhooks/README.md): an HMAC secret
// or a bearer token. Keys as in app settings: no hyphen (Linux), matched by the app ignoring case, '-' and '_'.
var webhookCredentialKind = {
  pagerduty: 'Secrets'
  grafana: 'Secrets'
  alertmanager: 'Tokens'
  azuremonitor: 'Tokens'
  github: 'Secrets'
  sentinel: 'Tokens'
  generic: 'Secrets'
}

// Read by the Functions host (identity-based connections).
// https://learn.microsoft.com/azure/azure-functions/functions-reference#configure-an-identity-based-connection
var hostSettings = [
  { name: 'AzureWebJobsStorage__accountName', value: storageAccountName }
  { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
  { name: 'AzureWebJobsStorage__clientId', value: identityClientId }
  { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: applicationInsightsConnectionString }
  { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${identityClientId};Authorization=AAD' }
]

// Read by the app (functions/BreachNotify.FunctionApp/Composition/SettingsCatalog.cs lists them all).
var appSettings = [
  { name: 'AZURE_CLIENT_ID', value: identityClientId }
  { name: 'Storage__Provider', value: 'AzureTables' }
  { name: 'Storage__Tables__Endpoint', value: tableEndpoint }
  { name: 'Storage__Tables__TablePrefix', value: tablePrefix }
  { name: 'Email__Provider', value: 'SendGrid' }
  { name: 'SendGrid__ApiKey', value: '@Microsoft.KeyVault(SecretUri=${sendGridApiKeySecretUri})' }
  { name: 'Queue__Provider', value: 'ServiceBus' }
  { name: 'Queue__Name', value: queueName }
  { name: 'ServiceBus__FullyQualifiedNamespace', value: serviceBusNamespace }
  { name: 'Organisation__Name', value: organisation.name }
  { name: 'Organisation__Dpo__Name', value: organisation.dpoName }
  { name: 'Organisation__Dpo__Email', value: organisation.dpoEmail }
  { name: 'Organisation__LeadAuthority', value: organisation.leadAuthority }
  { name: 'Organisation__TimeZone', value: organisation.timeZone }
  // Reminder e-mails link to incidents here: the app's own host name unless the dashboard is reached another way.
  { name: 'Organisation__DashboardUrl', value: organisation.?dashboardUrl ?? 'https://${appName}.azurewebsites.net/api/ui/' }
]

// Timer schedules (NCRONTAB with seconds, UTC), read by the timer triggers as %<Function>:Schedule%.
var timerSettings = [
  { name: 'DeadlineWatch__Schedule', value: '0 */5 * * * *' }
  { name: 'NoticeSweep__Schedule', value: '0 */5 * * * *' }
  { name: 'WebhookRepair__Schedule', value: '0 */2 * * * *' }
  { name: 'SendQueuedNotices__Schedule', value: '*/10 * * * * *' }
  { name: 'RecipientRetention__Schedule', value: '0 0 3 * * *' }
]

var optionalOrganisationSettings = concat(
  empty(organisation.?dpoPhone ?? '') ? [] : [{ name: 'Organisation__Dpo__Phone', value: organisation.?dpoPhone }],
  empty(organisation.?authorityNoticeEmail ?? '') ? [] : [{ name: 'Organisation__AuthorityNoticeEmail', value: organisation.?authorityNoticeEmail }]
)

// A for-expression may only be a variable's whole value (BCP138), so the three settings per key are flattened apart.
var apiKeySettingsPerKey = [for (k, i) in apiKeys: [
  { name: 'Auth__ApiKeys__${i}__Name', value: k.name }
  { name: 'Auth__ApiKeys__${i}__Role', value: k.role }
  { name: 'Auth__ApiKeys__${i}__KeySha256', value: k.keySha256 }
]]
var apiKeySettings = flatten(apiKeySettingsPerKey)

var webhookSettings = [for (s, i) in webhookSources: {
  name: 'Webhooks__${toLower(s)}__${webhookCredentialKind[toLower(s)]}__0'
  value: '@Microsoft.KeyVault(SecretUri=${webhookSecretUris[i]})'
}]

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: appName
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Key Vault references resolve with the user-assigned identity (the default would be a system-assigned one).
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      appSettings: concat(hostSettings, appSettings, timerSettings, optionalOrganisationSettings, apiKeySettings, webhookSettings)
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: dotnetVersion
      }
    }
  }
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName
