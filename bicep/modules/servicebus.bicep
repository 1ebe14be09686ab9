// Service Bus Standard (Basic has no duplicate detection), local (SAS) auth off, and the notices queue.
// Duplicate detection drops a resend with the same MessageId inside the window: the sender uses deterministic ids.
// https://learn.microsoft.com/azure/service-bus-messaging/duplicate-detection
param name string
param location string
param tags object
param queueName string
@description('ISO 8601 duration, 20 s to 7 days.')
param duplicateDetectionWindow string
param maxDeliveryCount int
@description('ISO 8601 duration.')
param messageTimeToLive string
@description('ISO 8601 duration, at most PT5M.')
param lockDuration string

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Standard'
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
  }
}

resource queue 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' = {
  parent: namespace
  name: queueName
  properties: {
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: duplicateDetectionWindow
    maxDeliveryCount: maxDeliveryCount
    deadLetteringOnMessageExpiration: true
    defaultMessageTimeToLive: messageTimeToLive
    lockDuration: lockDuration
    requiresSession: false
    enablePartitioning: false
  }
}

output namespaceName string = namespace.name
output fullyQualifiedNamespace string = '${namespace.name}.servicebus.windows.net'
output queueName string = queue.name
