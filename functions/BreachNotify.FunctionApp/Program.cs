using BreachNotify.FunctionApp.Auth;
using BreachNotify.FunctionApp.Composition;
using BreachNotify.FunctionApp.Features.Assessments;
using BreachNotify.FunctionApp.Features.Dashboard;
using BreachNotify.FunctionApp.Errors;
using BreachNotify.FunctionApp.Features.Health;
using BreachNotify.FunctionApp.Features.Incidents;
using BreachNotify.FunctionApp.Features.Webhooks;
using BreachNotify.FunctionApp.Features.Notices;
using BreachNotify.FunctionApp.Functions;
using BreachNotify.FunctionApp.Hosting;
using BreachNotify.FunctionApp.Json;

var builder = WebApplication.CreateBuilder(args);

// One app, two hosting modes: behind the Azure Functions host (custom handler) or standalone on :7071.
var mode = HostingMode.Detect(builder.Configuration);
if (mode.Standalone && !builder.Environment.IsEnvironment("Testing")) LocalSettings.AddIfPresent(builder.Configuration, builder.Environment.ContentRootPath);
mode.ConfigureUrls(builder);
builder.Services.AddSingleton(mode);
builder.Services.AddSingleton(TimeProvider.System);

builder.Services.ConfigureHttpJsonOptions(o => ApiJson.Configure(o.SerializerOptions));
// Binding failures throw so the exception handler can answer with problem details naming the field.
builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
{
    ctx.ProblemDetails.Instance ??= ctx.HttpContext.Request.Path;
    ctx.ProblemDetails.Extensions["traceId"] = ctx.HttpContext.TraceIdentifier;
});
builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
builder.Services.AddOptions<RequestLimitsOptions>().Bind(builder.Configuration.GetSection(RequestLimitsOptions.SectionName))
    .Validate(o => o.MaxRequestBodyBytes > 0, "Api:MaxRequestBodyBytes must be positive.").ValidateOnStart();

builder.Services.AddApiKeyAuth(builder.Configuration);
builder.Services.AddBreachNotifyStorage(builder.Configuration);
builder.Services.AddBreachNotifyApplication();
builder.Services.AddWebhookIntake(builder.Configuration);
builder.Services.AddBreachNotifyDeadlines(builder.Configuration);
builder.Services.AddFunctionApp(builder.Configuration, mode);
builder.Services.AddDashboard(builder.Configuration);
builder.Services.AddSettingsCatalogCheck(builder.Configuration);
builder.Services.AddBreachNotifyNotices(builder.Configuration, mode);

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseRouting();
app.UseMiddleware<RequestBodyLimitMiddleware>();
app.UseAuthentication();
app.UseAuthorization();

app.MapHealth();
app.MapIncidents();
app.MapAssessments();
app.MapWebhooks();
app.MapDashboard();
app.MapNotices();
app.MapTriggerFunctions();

if (app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ApiKeyOptions>>().Value.ApiKeys.Count == 0)
    StartupLog.NoApiKeys(app.Logger);

app.Run();

internal static partial class StartupLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "No API keys are configured (Auth:ApiKeys): every /api route will answer 401. See README, 'Make an API key'.")]
    public static partial void NoApiKeys(ILogger logger);
}

/// <summary>Entry point; partial so WebApplicationFactory tests can reference it.</summary>
public partial class Program;
