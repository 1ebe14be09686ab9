using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace BreachNotify.FunctionApp.Auth;

public sealed class ApiKeyOptions
{
    public const string SectionName = "Auth";

    /// <summary>Keys as lower-case hex SHA-256 of the key; plain keys are never stored.</summary>
    public List<ApiKeyEntry> ApiKeys { get; set; } = [];
}
