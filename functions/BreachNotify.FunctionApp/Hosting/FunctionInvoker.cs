using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.ExceptionServices;
using Microsoft.Azure.Functions.Worker;

namespace BreachNotify.FunctionApp.Hosting;

/// <summary>
/// Standalone: calls a function method the way the worker does — a new instance of its class per invocation from the
/// request's services (constructor injection), parameters bound by the rules <see cref="FunctionIndex"/> enforces.
/// </summary>
public sealed class FunctionInvoker
{
    private readonly ConcurrentDictionary<Type, ObjectFactory> _factories = new();

    public Task<object?> InvokeHttpAsync(HttpContext http, HttpFunction function)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(function);
        var arguments = function.Method.GetParameters().Select(p =>
            p.ParameterType == typeof(HttpRequest) ? http.Request
            : p.ParameterType == typeof(CancellationToken) ? http.RequestAborted
            : (object?)RouteValue(http, p.Name!)).ToArray();
        return InvokeAsync(http.RequestServices, function.Method, arguments);
    }

    public async Task InvokeTimerAsync(IServiceProvider services, TimerFunction function, TimerInfo timer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        var arguments = function.Method.GetParameters().Select(p => p.ParameterType == typeof(TimerInfo) ? timer : (object)cancellationToken).ToArray();
        await InvokeAsync(services, function.Method, arguments);
    }

    private static string? RouteValue(HttpContext http, string name)
        => http.Request.RouteValues.TryGetValue(name, out var value) ? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) : null;

    private async Task<object?> InvokeAsync(IServiceProvider services, MethodInfo method, object?[] arguments)
    {
        var type = method.DeclaringType!;
        var instance = _factories.GetOrAdd(type, t => ActivatorUtilities.CreateFactory(t, []))(services, null);
        try
        {
            object? returned;
            try
            {
                returned = method.Invoke(instance, arguments);
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
                throw;
            }
            if (returned is not Task task) return returned;
            await task;
            return method.ReturnType.IsGenericType ? method.ReturnType.GetProperty(nameof(Task<object>.Result))!.GetValue(task) : null;
        }
        finally
        {
            if (instance is IAsyncDisposable asyncDisposable) await asyncDisposable.DisposeAsync();
            else if (instance is IDisposable disposable) disposable.Dispose();
        }
    }
}
