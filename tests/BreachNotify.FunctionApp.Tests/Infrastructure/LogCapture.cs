using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;

namespace BreachNotify.FunctionApp.Tests.Infrastructure;

/// <summary>
/// Every log entry the app writes, formatted as a console sink prints it (level, category, the message, then the
/// exception's <c>ToString()</c>: type, message, inner exceptions, stack). Opt in with <see cref="BreachNotifyFactory.Logs"/>.
/// </summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _entries = new();

    public IReadOnlyList<string> Entries => _entries.ToArray();

    /// <summary>All entries as one text, lines as a console would show them.</summary>
    public string Text => string.Join("\n", _entries);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private sealed class Logger(LogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var text = new StringBuilder().Append(logLevel).Append(": ").Append(category).Append('[').Append(eventId.Id).Append("]\n")
                .Append(formatter(state, exception));
            if (exception is not null) text.Append('\n').Append(exception);
            capture._entries.Enqueue(text.ToString());
        }
    }
}
