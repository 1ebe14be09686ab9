// BreachNotify on Azure: Flex Consumption function app (.NET isolated worker) with one user-assigned managed identity,
// Table storage, Service Bus Standard, Key Vault (RBAC) and Application Insights. Deploy to a resource group:
//   az deployment group create -g <rg> -p bicep/main.bicepparam
// docs/deploy.md explains the topology and the decisions; the test suite compiles this with the Bicep CLI.
targetScope = 'resourceGroup'

import { organisation as organisationType, apiKey } from 'types.bicep'

@minLength(3)
@maxLength(20)
@description('Base name for every resource (letters, digits, hyphens).')
param name string

param location string = resourceGroup().location

param tags object = {}

@description('Organisation details used in notices.')
param organisation organisationType

@description('API keys as SHA-256 hashes. See README "Make an API key".')
param apiKeys apiKey[]

@secure()
@description('SendGrid API key with the Mail Send permission; stored in Key Vault.')
param sendGridApiKey string

@description('Monitor sources that get a webhook credential, e.g. [ "github", "alertmanager" ]: each needs an entry in webhookCredentials.')
param webhookSources string[] = []

// The names are a separate, plain parameter: loops over a secure value cannot be expanded before the deployment
// starts (what-if and the tests' snapshot would see no settings or secrets at all).
@secure()
@description('Monitor webhook credential for each of webhookSources, e.g. { github: "...", alertmanager: "..." }; stored in Key Vault.')
param webhookCredentials object = {}

@description('Prefix of every table name (letters and digits).')
param tablePrefix string = 'bn'

param queueName string = 'notices'

@description('Deliveries before Service Bus dead-letters a notice job.')
@minValue(1)
@maxValue(2000)
param maxDeliveryCount int = 10

@description('Window in which a resent notice job with the same MessageId is dropped (ISO 8601, 20 s to 7 days).')
param duplicateDetectionWindow string = 'PT1H'

param messageTimeToLive string = 'P7D'

param lockDuration string = 'PT5M'

param logRetentionDays int = 90

param maximumInstanceCount int = 40

@allowed([2048, 4096])
param instanceMemoryMB int = 2048

var token = toLower(uniqueString(resourceGroup().id, name))
var deploymentContainerName = 'app-package'
// The tables the app uses (Application: IncidentRepository, IncidentService); it creates any other it needs.
var tableNames = [
  '${tablePrefix}Incidents'
  '${tablePrefix}IncidentIndex'
  '${tablePrefix}Idempotency'
]

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    name: 'id-${name}'
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    logAnalyticsName: 'log-${name}'
    applicationInsightsName: 'appi-${name}'
    location: location
    tags: tags
    retentionInDays: logRetentionDays
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: take('st${toLower(replace(name, '-', ''))}${token}', 24)
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
    tableNames: tableNames
  }
}

module serviceBus 'modules/servicebus.bicep' = {
  name: 'servicebus'
  params: {
    name: 'sb-${name}-${token}'
    location: location
    tags: tags
    queueName: queueName
    duplicateDetectionWindow: duplicateDetectionWindow
    maxDeliveryCount: maxDeliveryCount
    messageTimeToLive: messageTimeToLive
    lockDuration: lockDuration
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    name: 'kv${token}'
    location: location
    tags: tags
    sendGridApiKey: sendGridApiKey
    webhookSources: webhookSources
    webhookCredentials: webhookCredentials
  }
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  params: {
    principalId: identity.outputs.principalId
    storageAccountName: storage.outputs.name
    serviceBusNamespaceName: serviceBus.outputs.namespaceName
    queueName: serviceBus.outputs.queueName
    keyVaultName: keyVault.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  // The identity's roles must exist before the host starts: it reads host storage and resolves Key Vault references.
  dependsOn: [
    roles
  ]
  params: {
    planName: 'plan-${name}'
    appName: 'func-${name}-${token}'
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    tableEndpoint: storage.outputs.tableEndpoint
    tablePrefix: tablePrefix
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    serviceBusNamespace: serviceBus.outputs.fullyQualifiedNamespace
    queueName: serviceBus.outputs.queueName
    applicationInsightsConnectionString: monitoring.outputs.connectionString
    sendGridApiKeySecretUri: keyVault.outputs.sendGridApiKeySecretUri
    webhookSources: webhookSources
    webhookSecretUris: keyVault.outputs.webhookSecretUris
    apiKeys: apiKeys
    organisation: organisation
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
  }
}

output functionAppName string = functionApp.outputs.name
output functionAppUrl string = 'https://${functionApp.outputs.defaultHostName}'
output keyVaultName string = keyVault.outputs.name
output storageAccountName string = storage.outputs.name
output serviceBusNamespace string = serviceBus.outputs.fullyQualifiedNamespace
output identityClientId string = identity.outputs.clientId
