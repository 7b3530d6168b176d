namespace TorRelay.Host;

/// <summary>
/// Makes .NET's socket engine run each socket's completions on its event thread, one event thread per core (a
/// reactor per core, as C tor's main loop but on every core). By default the engine hands every completion to a pool
/// thread, which costs two thread wake-ups per read; on the middle benchmark the inline engine used ~70% fewer context
/// switches and ~30% less CPU per MiB (README, "Benchmarks"). The engine reads the variable once, when the first
/// socket is used, so this runs first thing in Main; an operator's own setting of the variable wins.
/// Work that is long per event (directory parsing and answering) hops to the thread pool where it starts.
/// </summary>
public static class SocketEventThreads
{
    public const string InlineCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    public static void UseInlineCompletions()
    {
        if (Environment.GetEnvironmentVariable(InlineCompletionsVariable) is null)
            Environment.SetEnvironmentVariable(InlineCompletionsVariable, "1");
    }
}
