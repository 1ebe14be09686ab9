using System.Text;

namespace BreachNotify.Application.Notices.Templates;

/// <summary>
/// Escapes text for HTML element content and attribute values: only the five characters with meaning in HTML. Other
/// characters stay as they are (the documents are UTF-8), so "Müller" stays readable in the source of the e-mail.
/// </summary>
public static class Html
{
    public static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            sb.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => c.ToString(),
            });
        }
        return sb.ToString();
    }
}
