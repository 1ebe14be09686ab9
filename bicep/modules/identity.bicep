// The one user-assigned managed identity the function app uses for everything: host storage, Table storage,
// Service Bus, Key Vault references and Application Insights. User-assigned so the role assignments exist before
// the app starts (a system-assigned identity only exists once the site does).
param name string
param location string
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output principalId string = identity.properties.principalId
output clientId string = identity.properties.clientId
