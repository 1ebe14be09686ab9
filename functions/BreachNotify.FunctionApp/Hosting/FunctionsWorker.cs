using BreachNotify.FunctionApp.Composition;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;

namespace BreachNotify.FunctionApp.Hosting;

/// <summary>The isolated worker the Azure Functions host starts (the AspNetIntegration pattern of the worker's samples).</summary>
public static class FunctionsWorker
{
    public static FunctionsApplicationBuilder CreateBuilder(string[] args)
    {
        var worker = FunctionsApplication.CreateBuilder(args);
        worker.ConfigureFunctionsWebApplication();
        // Our X-Api-Key roles, body limits and problem details on every HTTP function; the ASP.NET Core integration's
        // own middleware runs first and writes the IResult we leave as the invocation result.
        worker.UseWhen<HttpFunctionMiddleware>(HttpFunctionMiddleware.IsHttpTrigger);
        worker.Services.AddBreachNotify(worker.Configuration, HostingMode.FunctionsHost);
        return worker;
    }
}
