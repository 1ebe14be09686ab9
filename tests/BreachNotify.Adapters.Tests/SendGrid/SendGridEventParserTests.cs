using BreachNotify.Adapters.SendGrid;

namespace BreachNotify.Adapters.Tests.SendGrid;

public class SendGridEventParserTests
{
    // Shapes follow the Event Webhook reference (https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/event).
    private const string Sample = """
        [
          {"email":"anna@example.com","timestamp":1513299569,"smtp-id":"<14c5d75ce93.dfd.64b469@ismtpd-555>","event":"processed","category":["breach-notice"],"sg_event_id":"rbtnWrG1DVDGGGFHFyun0A==","sg_message_id":"14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.000000000000000000000","incident_id":"inc-7","job_id":"job-42"},
          {"email":"anna@example.com","timestamp":1513299570,"event":"deferred","ip":"168.1.1.1","response":"400 try again later","attempt":"5","sg_event_id":"t7LEShmowp86DTdUW8M-GQ==","sg_message_id":"14c5d75ce93.dfd.64b469.filter0001","job_id":"job-42"},
          {"email":"anna@example.com","timestamp":1513299571,"event":"delivered","ip":"168.1.1.1","response":"250 OK","tls":1,"cert_err":0,"sg_event_id":"rWVYmVk90MjZJ9iohOBa3w==","sg_message_id":"14c5d75ce93.dfd.64b469.filter0001","job_id":"job-42","attempt_no":7},
          {"email":"ben@example.com","timestamp":1513299572,"event":"bounce","bounce_classification":"Invalid Address","type":"bounce","reason":"500 unknown recipient","status":"5.0.0","sg_event_id":"6g4ZI7SA-xmRDv57GoPIPw==","sg_message_id":"14c5d75ce93.dfd.64b469.filter0001","job_id":"job-43"},
          {"email":"carl@example.com","timestamp":1513299573,"event":"bounce","type":"blocked","reason":"550 blocked by policy","status":"5.7.1","sg_event_id":"blk-1","sg_message_id":"m2.filter","job_id":"job-44"},
          {"email":"dora@example.com","timestamp":1513299574,"event":"dropped","reason":"Bounced Address","status":"5.0.0","sg_event_id":"drp-1","sg_message_id":"m3.filter","job_id":"job-45"},
          {"email":"eve@example.com","timestamp":1513299575,"event":"spamreport","sg_event_id":"spm-1","sg_message_id":"m4.filter","job_id":"job-46"}
        ]
        """;

    [Fact]
    public void Parses_every_sample_event()
    {
        var events = SendGridEventParser.Parse(Sample);

        Assert.Equal(["processed", "deferred", "delivered", "bounce", "bounce", "dropped", "spamreport"], events.Select(e => e.Event));
        Assert.Equal(events.Count, events.Select(e => e.EventId).Distinct().Count());
    }

    [Fact]
    public void Processed_event_carries_ids_time_and_custom_args_only_from_unknown_string_keys()
    {
        var processed = SendGridEventParser.Parse(Sample)[0];

        Assert.Equal("rbtnWrG1DVDGGGFHFyun0A==", processed.EventId);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1513299569), processed.Timestamp);
        Assert.Equal("14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.000000000000000000000", processed.SgMessageId);
        Assert.Equal("anna@example.com", processed.Email);
        Assert.Null(processed.BounceType);
        Assert.Equal(new Dictionary<string, string> { ["incident_id"] = "inc-7", ["job_id"] = "job-42" }, processed.CustomArgs);
    }

    [Fact]
    public void Non_string_unknown_fields_are_not_custom_args()
    {
        var delivered = SendGridEventParser.Parse(Sample)[2];

        Assert.Equal("250 OK", delivered.Reason);
        Assert.Equal(new Dictionary<string, string> { ["job_id"] = "job-42" }, delivered.CustomArgs);
    }

    [Fact]
    public void Bounce_blocked_dropped_and_deferred_carry_reason_and_type()
    {
        var events = SendGridEventParser.Parse(Sample);

        Assert.Equal("400 try again later", events[1].Reason);
        Assert.Equal(("bounce", "500 unknown recipient"), (events[3].BounceType, events[3].Reason));
        Assert.Equal(("blocked", "550 blocked by policy"), (events[4].BounceType, events[4].Reason));
        Assert.Equal("Bounced Address", events[5].Reason);
        Assert.Null(events[5].BounceType);
        Assert.Null(events[6].Reason);
        Assert.Equal("job-46", events[6].CustomArgs["job_id"]);
    }

    [Fact]
    public void Entries_without_event_or_timestamp_are_skipped_and_missing_ids_are_deterministic()
    {
        const string json = """
            [1, "x", {"timestamp":1}, {"event":"open"}, {"event":"open","timestamp":"1513299569","job_id":"j"}]
            """;

        var first = SendGridEventParser.Parse(json);
        var second = SendGridEventParser.Parse(json);

        var open = Assert.Single(first);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1513299569), open.Timestamp);
        Assert.StartsWith("sha256:", open.EventId, StringComparison.Ordinal);
        Assert.Equal(open.EventId, Assert.Single(second).EventId);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("not json")]
    [InlineData("")]
    public void Non_array_payload_is_a_format_error(string json)
    {
        Assert.Throws<FormatException>(() => SendGridEventParser.Parse(json));
    }

    [Fact]
    public void Empty_array_yields_no_events()
    {
        Assert.Empty(SendGridEventParser.Parse("[]"u8));
    }
}
