namespace BreachNotify.Tests.Shared.Webhooks;

/// <summary>
/// Sample deliveries, built from each vendor's documented sample payload (trimmed of fields we do not read, values
/// kept). Embedded as raw strings because the test project copies no fixture files to its output.
/// </summary>
internal static class VendorSamples
{
    /// <summary>
    /// PagerDuty V3 webhook, incident event. Envelope and incident data from the V3 webhook overview's
    /// "Webhook Payload" example and "incident" data type (https://developer.pagerduty.com/docs/webhooks,
    /// PagerDuty/developer-docs docs/webhooks/01-Overview.md); event id, type, time and status are filled in per test.
    /// </summary>
    public static string PagerDutyIncident(string eventId, string eventType, string occurredAt, string status) =>
        PagerDutyTemplate
            .Replace("{{EVENT_ID}}", eventId, StringComparison.Ordinal)
            .Replace("{{EVENT_TYPE}}", eventType, StringComparison.Ordinal)
            .Replace("{{OCCURRED_AT}}", occurredAt, StringComparison.Ordinal)
            .Replace("{{STATUS}}", status, StringComparison.Ordinal);

    public static string PagerDutyTriggered { get; } =
        PagerDutyIncident("5ac64822-4adc-4fda-ade0-410becf0de4f", "incident.triggered", "2020-10-02T18:45:22.169Z", "triggered");

    private const string PagerDutyTemplate = """
        {
          "event": {
            "id": "{{EVENT_ID}}",
            "event_type": "{{EVENT_TYPE}}",
            "resource_type": "incident",
            "occurred_at": "{{OCCURRED_AT}}",
            "agent": {
              "html_url": "https://acme.pagerduty.com/users/PLH1HKV",
              "id": "PLH1HKV",
              "self": "https://api.pagerduty.com/users/PLH1HKV",
              "summary": "Tenex Engineer",
              "type": "user_reference"
            },
            "client": {
              "name": "PagerDuty"
            },
            "data": {
              "id": "PGR0VU2",
              "type": "incident",
              "self": "https://api.pagerduty.com/incidents/PGR0VU2",
              "html_url": "https://acme.pagerduty.com/incidents/PGR0VU2",
              "number": 2,
              "status": "{{STATUS}}",
              "incident_key": "d3640fbd41094207a1c11e58e46b1662",
              "created_at": "2020-04-09T15:16:27Z",
              "title": "A little bump in the road",
              "service": {
                "html_url": "https://acme.pagerduty.com/services/PF9KMXH",
                "id": "PF9KMXH",
                "self": "https://api.pagerduty.com/services/PF9KMXH",
                "summary": "API Service",
                "type": "service_reference"
              },
              "assignees": [
                {
                  "html_url": "https://acme.pagerduty.com/users/PTUXL6G",
                  "id": "PTUXL6G",
                  "self": "https://api.pagerduty.com/users/PTUXL6G",
                  "summary": "User 123",
                  "type": "user_reference"
                }
              ],
              "escalation_policy": {
                "html_url": "https://acme.pagerduty.com/escalation_policies/PUS0KTE",
                "id": "PUS0KTE",
                "self": "https://api.pagerduty.com/escalation_policies/PUS0KTE",
                "summary": "Default",
                "type": "escalation_policy_reference"
              },
              "teams": [
                {
                  "html_url": "https://acme.pagerduty.com/teams/PFCVPS0",
                  "id": "PFCVPS0",
                  "self": "https://api.pagerduty.com/teams/PFCVPS0",
                  "summary": "Engineering",
                  "type": "team_reference"
                }
              ],
              "priority": {
                "html_url": "https://acme.pagerduty.com/account/incident_priorities",
                "id": "PSO75BM",
                "self": "https://api.pagerduty.com/priorities/PSO75BM",
                "summary": "P1",
                "type": "priority_reference"
              },
              "urgency": "high",
              "conference_bridge": {
                "conference_number": "+1 1234123412,,987654321#",
                "conference_url": "https://example.com"
              },
              "resolve_reason": null
            }
          }
        }
        """;

    /// <summary>PagerDuty V3 <c>service.updated</c> example from the same page: carries no incident.</summary>
    public const string PagerDutyServiceUpdated = """
        {
          "event": {
            "id": "01BRB6ZP4M6T8ZG4X6BP63ZB9O",
            "event_type": "service.updated",
            "resource_type": "service",
            "occurred_at": "2021-03-02T13:35:11.682Z",
            "agent": null,
            "client": null,
            "data": {
              "html_url": "https://acme.pagerduty.com/services/PF9KMXH",
              "id": "PF9KMXH",
              "self": "https://api.pagerduty.com/services/PF9KMXH",
              "summary": "testing service updates",
              "alert_creation": "create_alerts_and_incidents",
              "teams": [],
              "type": "service"
            }
          }
        }
        """;

    /// <summary>
    /// Grafana Alerting webhook contact point, the "Webhook JSON payload" example of
    /// https://grafana.com/docs/grafana/latest/alerting/configure-notifications/manage-contact-points/integrations/webhook-notifier/
    /// (grafana/grafana docs/sources/.../integrations/webhook-notifier.md), two firing alerts.
    /// </summary>
    public const string GrafanaTwoFiring = """
        {
          "receiver": "My Super Webhook",
          "status": "firing",
          "orgId": 1,
          "alerts": [
            {
              "status": "firing",
              "labels": {
                "alertname": "High memory usage",
                "team": "blue",
                "zone": "us-1"
              },
              "annotations": {
                "description": "The system has high memory usage",
                "runbook_url": "https://myrunbook.com/runbook/1234",
                "summary": "This alert was triggered for zone us-1"
              },
              "startsAt": "2021-10-12T09:51:03.157076+02:00",
              "endsAt": "0001-01-01T00:00:00Z",
              "generatorURL": "https://play.grafana.org/alerting/1afz29v7z/edit",
              "fingerprint": "c6eadffa33fcdf37",
              "silenceURL": "https://play.grafana.org/alerting/silence/new?alertmanager=grafana&matchers=alertname%3DT2%2Cteam%3Dblue%2Czone%3Dus-1",
              "dashboardURL": "",
              "panelURL": "",
              "values": {
                "B": 44.23943737541908,
                "C": 1
              }
            },
            {
              "status": "firing",
              "labels": {
                "alertname": "High CPU usage",
                "team": "blue",
                "zone": "eu-1"
              },
              "annotations": {
                "description": "The system has high CPU usage",
                "runbook_url": "https://myrunbook.com/runbook/1234",
                "summary": "This alert was triggered for zone eu-1"
              },
              "startsAt": "2021-10-12T09:56:03.157076+02:00",
              "endsAt": "0001-01-01T00:00:00Z",
              "generatorURL": "https://play.grafana.org/alerting/d1rdpdv7k/edit",
              "fingerprint": "bc97ff14869b13e3",
              "silenceURL": "https://play.grafana.org/alerting/silence/new?alertmanager=grafana&matchers=alertname%3DT1%2Cteam%3Dblue%2Czone%3Deu-1",
              "dashboardURL": "",
              "panelURL": "",
              "values": {
                "B": 44.23943737541908,
                "C": 1
              }
            }
          ],
          "groupLabels": {},
          "commonLabels": {
            "team": "blue"
          },
          "commonAnnotations": {},
          "externalURL": "https://play.grafana.org/",
          "version": "1",
          "groupKey": "{}:{}",
          "truncatedAlerts": 0,
          "title": "[FIRING:2]  (blue)",
          "state": "alerting",
          "message": "**Firing**\n\nLabels:\n - alertname = T2\n - team = blue\n - zone = us-1\n"
        }
        """;

    /// <summary>
    /// Prometheus Alertmanager <c>webhook_config</c> delivery in the documented version "4" format
    /// (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config): one firing, one resolved alert.
    /// </summary>
    public const string AlertmanagerFiringAndResolved = """
        {
          "version": "4",
          "groupKey": "{}/{team=\"crm\"}:{alertname=\"CustomerExportSpike\"}",
          "truncatedAlerts": 0,
          "status": "firing",
          "receiver": "breachnotify",
          "groupLabels": {
            "alertname": "CustomerExportSpike"
          },
          "commonLabels": {
            "alertname": "CustomerExportSpike",
            "job": "crm-api",
            "team": "crm"
          },
          "commonAnnotations": {
            "summary": "Customer records exported far above baseline"
          },
          "externalURL": "http://alertmanager.example.org:9093",
          "alerts": [
            {
              "status": "firing",
              "labels": {
                "alertname": "CustomerExportSpike",
                "instance": "crm-api-1:8080",
                "job": "crm-api",
                "severity": "critical",
                "team": "crm"
              },
              "annotations": {
                "description": "crm-api-1 exported 48210 customer rows in 5m (baseline 300).",
                "summary": "Customer records exported far above baseline"
              },
              "startsAt": "2026-05-20T13:52:10.123Z",
              "endsAt": "0001-01-01T00:00:00Z",
              "generatorURL": "http://prometheus.example.org:9090/graph?g0.expr=rate%28crm_rows_exported_total%5B5m%5D%29+%3E+100&g0.tab=1",
              "fingerprint": "5f0c8b1d3e2a4c67"
            },
            {
              "status": "resolved",
              "labels": {
                "alertname": "CustomerExportSpike",
                "instance": "crm-api-2:8080",
                "job": "crm-api",
                "severity": "warning",
                "team": "crm"
              },
              "annotations": {
                "summary": "Customer records exported far above baseline"
              },
              "startsAt": "2026-05-20T13:40:00Z",
              "endsAt": "2026-05-20T13:55:00Z",
              "generatorURL": "http://prometheus.example.org:9090/graph?g0.expr=rate%28crm_rows_exported_total%5B5m%5D%29+%3E+100&g0.tab=1",
              "fingerprint": "9a1e7c2b4d6f8031"
            }
          ]
        }
        """;

    /// <summary>
    /// Azure Monitor common alert schema, the metric alert of "Sample alert payloads"
    /// (https://learn.microsoft.com/azure/azure-monitor/alerts/alerts-payload-samples); "&lt;subscription ID&gt;" filled in.
    /// </summary>
    public const string AzureMonitorMetricResolved = """
        {
          "schemaId": "azureMonitorCommonAlertSchema",
          "data": {
            "essentials": {
              "alertId": "/subscriptions/11111111-2222-3333-4444-555555555555/providers/Microsoft.AlertsManagement/alerts/aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e",
              "alertRule": "WCUS-R2-Gen2",
              "severity": "Sev3",
              "signalType": "Metric",
              "monitorCondition": "Resolved",
              "monitoringService": "Platform",
              "alertTargetIDs": [
                "/subscriptions/11111111-2222-3333-4444-555555555555/resourcegroups/pipelinealertrg/providers/microsoft.compute/virtualmachines/wcus-r2-gen2"
              ],
              "configurationItems": [
                "wcus-r2-gen2"
              ],
              "originAlertId": "3f2d4487-b0fc-4125-8bd5-7ad17384221e_PipeLineAlertRG_microsoft.insights_metricAlerts_WCUS-R2-Gen2_-117781227",
              "firedDateTime": "2019-03-22T13:58:24.3713213Z",
              "resolvedDateTime": "2019-03-22T14:03:16.2246313Z",
              "description": "",
              "essentialsVersion": "1.0",
              "alertContextVersion": "1.0"
            },
            "alertContext": {
              "properties": null,
              "conditionType": "SingleResourceMultipleMetricCriteria",
              "condition": {
                "windowSize": "PT5M",
                "allOf": [
                  {
                    "metricName": "Percentage CPU",
                    "metricNamespace": "Microsoft.Compute/virtualMachines",
                    "operator": "GreaterThan",
                    "threshold": "25",
                    "timeAggregation": "Average",
                    "metricValue": 7.727
                  }
                ]
              }
            },
            "customProperties": {
              "Key1": "Value1",
              "Key2": "Value2"
            }
          }
        }
        """;

    public const string AzureMonitorAlertId =
        "/subscriptions/11111111-2222-3333-4444-555555555555/providers/Microsoft.AlertsManagement/alerts/aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e";

    /// <summary>
    /// GitHub <c>secret_scanning_alert</c> "created" delivery: alert fields per the secret-scanning-alert-webhook schema
    /// (https://docs.github.com/webhooks/webhook-events-and-payloads#secret_scanning_alert), repository, organization
    /// and sender from the octokit/webhooks payload example (Codertocat/Hello-World), trimmed.
    /// </summary>
    public const string GitHubSecretScanningCreated = """
        {
          "action": "created",
          "alert": {
            "number": 191,
            "created_at": "2026-05-20T13:45:12Z",
            "updated_at": "2026-05-20T13:45:12Z",
            "url": "https://api.github.com/repos/Codertocat/Hello-World/secret-scanning/alerts/191",
            "html_url": "https://github.com/Codertocat/Hello-World/security/secret-scanning/191",
            "locations_url": "https://api.github.com/repos/Codertocat/Hello-World/secret-scanning/alerts/191/locations",
            "state": "open",
            "secret_type": "adafruit_io_key",
            "secret_type_display_name": "Adafruit IO Key",
            "validity": "active",
            "resolution": null,
            "resolved_by": null,
            "resolved_at": null,
            "resolution_comment": null,
            "push_protection_bypassed": false,
            "push_protection_bypassed_by": null,
            "push_protection_bypassed_at": null,
            "publicly_leaked": false,
            "multi_repo": false
          },
          "repository": {
            "id": 257423561,
            "node_id": "MDEwOlJlcG9zaXRvcnkyNTc0MjM1NjE=",
            "name": "Hello-World",
            "full_name": "Codertocat/Hello-World",
            "private": true,
            "owner": {
              "login": "Codertocat",
              "id": 30846345,
              "type": "Organization",
              "site_admin": false
            },
            "html_url": "https://github.com/Codertocat/Hello-World",
            "url": "https://api.github.com/repos/Codertocat/Hello-World",
            "default_branch": "master"
          },
          "organization": {
            "login": "Codertocat",
            "id": 30846345,
            "url": "https://api.github.com/orgs/Codertocat"
          },
          "sender": {
            "login": "Codertocat",
            "id": 10136561,
            "type": "User",
            "site_admin": true
          }
        }
        """;

    /// <summary>
    /// Microsoft Sentinel incident as a playbook's HTTP action posts <c>@{triggerBody()}</c>: the incident trigger's
    /// wrapper (eventUniqueId, objectSchemaType, objectEventType, workspaceInfo, workspaceId, object) around an
    /// incident resource shaped as the Security Insights "Incidents - Get" example
    /// (https://learn.microsoft.com/rest/api/securityinsights/incidents/get).
    /// </summary>
    public const string SentinelIncidentCreated = """
        {
          "eventUniqueId": "0f2c7a35-6a4b-4b7e-9d56-3d1b8c2f9e10",
          "objectSchemaType": "Incident",
          "objectEventType": "Create",
          "workspaceInfo": {
            "SubscriptionId": "d0cfe6b2-9ac0-4464-9919-dccaee2e48c0",
            "ResourceGroupName": "myRg",
            "WorkspaceName": "myWorkspace"
          },
          "workspaceId": "8d300aff-d535-4430-9eef-3046965c48cf",
          "object": {
            "id": "/subscriptions/d0cfe6b2-9ac0-4464-9919-dccaee2e48c0/resourceGroups/myRg/providers/Microsoft.OperationalInsights/workspaces/myWorkspace/providers/Microsoft.SecurityInsights/Incidents/73e01a99-5cd7-4139-a149-9f2736ff2ab5",
            "name": "73e01a99-5cd7-4139-a149-9f2736ff2ab5",
            "etag": "\"0300bf09-0000-0000-0000-5c37296e0000\"",
            "type": "Microsoft.SecurityInsights/Incidents",
            "properties": {
              "title": "My incident",
              "description": "This is a demo incident",
              "severity": "High",
              "status": "New",
              "owner": {
                "objectId": null,
                "email": null,
                "assignedTo": null,
                "userPrincipalName": null
              },
              "labels": [],
              "firstActivityTimeUtc": "2019-01-01T13:00:30Z",
              "lastActivityTimeUtc": "2019-01-01T13:05:30Z",
              "lastModifiedTimeUtc": "2019-01-01T13:15:30Z",
              "createdTimeUtc": "2019-01-01T13:15:30Z",
              "incidentNumber": 3177,
              "additionalData": {
                "alertsCount": 1,
                "bookmarksCount": 0,
                "commentsCount": 0,
                "alertProductNames": [
                  "Azure Sentinel"
                ],
                "tactics": [
                  "InitialAccess",
                  "Persistence"
                ]
              },
              "relatedAnalyticRuleIds": [
                "/subscriptions/d0cfe6b2-9ac0-4464-9919-dccaee2e48c0/resourceGroups/myRg/providers/Microsoft.OperationalInsights/workspaces/myWorkspace/providers/Microsoft.SecurityInsights/alertRules/fab3d2d4-747f-46a7-8ef0-9c0be8112bf7"
              ],
              "incidentUrl": "https://portal.azure.com/#asset/Microsoft_Azure_Security_Insights/Incident/subscriptions/d0cfe6b2-9ac0-4464-9919-dccaee2e48c0/resourceGroups/myRg/providers/Microsoft.OperationalInsights/workspaces/myWorkspace/providers/Microsoft.SecurityInsights/Incidents/73e01a99-5cd7-4139-a149-9f2736ff2ab5",
              "providerName": "Azure Sentinel",
              "providerIncidentId": "3177",
              "alerts": [],
              "bookmarks": [],
              "relatedEntities": [],
              "comments": []
            }
          }
        }
        """;

    public const string SentinelIncidentId =
        "/subscriptions/d0cfe6b2-9ac0-4464-9919-dccaee2e48c0/resourceGroups/myRg/providers/Microsoft.OperationalInsights/workspaces/myWorkspace/providers/Microsoft.SecurityInsights/Incidents/73e01a99-5cd7-4139-a149-9f2736ff2ab5";

    /// <summary>Our generic format (see GenericParser and the README): the first link is not http(s) and is skipped.</summary>
    public const string GenericTriggered = """
        {
          "eventId": "evt-20260520-0001",
          "externalId": "dlp-rule-17",
          "title": "Customer table exported to an unknown host",
          "description": "DLP rule 17 matched an outbound transfer of the customers table.",
          "severity": "High",
          "status": "triggered",
          "occurredAt": "2026-05-20T15:58:00+02:00",
          "links": ["javascript:alert(1)", "https://dlp.example.org/events/0001"],
          "context": { "system": "crm", "environment": "production" }
        }
        """;
}
