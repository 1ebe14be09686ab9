using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace BreachNotify.FunctionApp.Hosting;

/// <summary>
/// Under the Functions host: runs every HTTP-triggered invocation through <see cref="HttpFunctionPipeline"/> (body limit,
/// API key and role, problem details). Registered with <c>UseWhen</c> for HTTP triggers only, after the ASP.NET Core
/// integration's own middleware, which then writes the <see cref="IResult"/> we leave as the invocation result
/// (the pattern of samples/AspNetIntegration in Azure/azure-functions-dotnet-worker).
/// </summary>
public sealed class HttpFunctionMiddleware(FunctionIndex index, HttpFunctionPipeline pipeline) : IFunctionsWorkerMiddleware
{
    /// <summary>The <c>UseWhen</c> predicate: the function's trigger binding is an HTTP trigger.</summary>
    public static bool IsHttpTrigger(FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return IsHttpTrigger(context.FunctionDefinition);
    }

    public static bool IsHttpTrigger(FunctionDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return definition.InputBindings.Values.Any(b => string.Equals(b.Type, "httpTrigger", StringComparison.OrdinalIgnoreCase));
    }

    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        // Fail closed: an HTTP function we do not know, or no HTTP context, is never run unchecked.
        var http = context.GetHttpContext() ?? throw new InvalidOperationException($"No HTTP context for {context.FunctionDefinition.Name}.");
        var function = index.FindHttp(context.FunctionDefinition.Name)
            ?? throw new InvalidOperationException($"HTTP function {context.FunctionDefinition.Name} is not in the function index.");
        var result = await pipeline.RunAsync(http, function, async () =>
        {
            await next(context);
            return context.GetInvocationResult().Value;
        });
        context.GetInvocationResult().Value = result;
    }
}
