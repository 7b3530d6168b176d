using System.Runtime.InteropServices;

namespace TorRelay.TestNet;

/// <summary>The libc call .NET lacks: Process.Kill only sends SIGKILL, tor deserves a SIGTERM first.</summary>
public static partial class Posix
{
    public const int SIGTERM = 15;
    public const int SIGHUP = 1;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int sig);

    public static bool SendSignal(int pid, int signal) => Kill(pid, signal) == 0;
}
