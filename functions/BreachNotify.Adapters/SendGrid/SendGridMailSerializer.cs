using System.Text.Json;

namespace BreachNotify.Adapters.SendGrid;

/// <summary>Writes the v3 mail-send JSON (https://www.twilio.com/docs/sendgrid/api-reference/mail-send/mail-send).</summary>
internal static class SendGridMailSerializer
{
    public static byte[] Serialize(SendGridMail mail, bool sandboxMode)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();

            json.WriteStartArray("personalizations");
            foreach (var personalization in mail.Personalizations)
            {
                json.WriteStartObject();
                json.WriteStartArray("to");
                foreach (var to in personalization.To)
                {
                    WriteAddress(json, to);
                }

                json.WriteEndArray();
                WriteMap(json, "substitutions", personalization.Substitutions);
                WriteMap(json, "custom_args", personalization.CustomArgs);
                json.WriteEndObject();
            }

            json.WriteEndArray();

            json.WritePropertyName("from");
            WriteAddress(json, mail.From);
            if (mail.ReplyTo is not null)
            {
                json.WritePropertyName("reply_to");
                WriteAddress(json, mail.ReplyTo);
            }

            json.WriteString("subject", mail.Subject);

            // text/plain must precede text/html.
            json.WriteStartArray("content");
            if (!string.IsNullOrEmpty(mail.PlainTextContent))
            {
                WriteContent(json, "text/plain", mail.PlainTextContent);
            }

            if (!string.IsNullOrEmpty(mail.HtmlContent))
            {
                WriteContent(json, "text/html", mail.HtmlContent);
            }

            json.WriteEndArray();

            if (mail.Categories.Count > 0)
            {
                json.WriteStartArray("categories");
                foreach (var category in mail.Categories)
                {
                    json.WriteStringValue(category);
                }

                json.WriteEndArray();
            }

            WriteMap(json, "custom_args", mail.CustomArgs);
            WriteMap(json, "headers", mail.Headers);

            if (sandboxMode)
            {
                json.WriteStartObject("mail_settings");
                json.WriteStartObject("sandbox_mode");
                json.WriteBoolean("enable", true);
                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static void WriteAddress(Utf8JsonWriter json, SendGridAddress address)
    {
        json.WriteStartObject();
        json.WriteString("email", address.Email.Trim());
        if (!string.IsNullOrEmpty(address.Name))
        {
            json.WriteString("name", address.Name);
        }

        json.WriteEndObject();
    }

    private static void WriteContent(Utf8JsonWriter json, string type, string value)
    {
        json.WriteStartObject();
        json.WriteString("type", type);
        json.WriteString("value", value);
        json.WriteEndObject();
    }

    private static void WriteMap(Utf8JsonWriter json, string name, IDictionary<string, string> values)
    {
        if (values.Count == 0)
        {
            return;
        }

        json.WriteStartObject(name);
        foreach (var (key, value) in values)
        {
            json.WriteString(key, value ?? string.Empty);
        }

        json.WriteEndObject();
    }
}
