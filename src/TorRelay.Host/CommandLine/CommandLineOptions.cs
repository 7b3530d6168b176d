using TorRelay.Host.Config;

namespace TorRelay.Host.CommandLine;

/// <summary>
/// The command line, parsed as tor's config_parse_commandline: tor's own flags (<c>-f FILE</c>,
/// <c>--defaults-torrc FILE</c>, <c>--verify-config</c>, <c>--list-fingerprint</c>, <c>--version</c>, <c>-h</c>...)
/// and any torrc option as <c>--Option value</c> (one or two dashes, or none; <c>+Option</c> appends to a list,
/// <c>/Option</c> clears it). Options are checked against the option table when the configuration is loaded.
/// </summary>
public sealed record CommandLineOptions
{
    /// <summary>Source name of command-line lines in errors.</summary>
    public const string Source = "command line";

    public RelayCommand Command { get; init; } = RelayCommand.Run;

    /// <summary><c>-f</c>/<c>--torrc-file</c>; null means <see cref="ConfigLoader.DefaultTorrcPath"/>.</summary>
    public string? TorrcPath { get; init; }

    /// <summary><c>--defaults-torrc</c>; null means none.</summary>
    public string? DefaultsTorrcPath { get; init; }

    /// <summary><c>--allow-missing-torrc</c> / <c>--ignore-missing-torrc</c>: a missing -f file is not an error.</summary>
    public bool AllowMissingTorrc { get; init; }

    public QuietLevel Quiet { get; init; } = QuietLevel.None;

    /// <summary>Option overrides, the highest-priority configuration domain.</summary>
    public IReadOnlyList<ConfigLine> Overrides { get; init; } = [];

    private enum Arg { None, Necessary, Optional }

    private sealed record Flag(string Name, string? Short, Arg Takes, RelayCommand? Command, QuietLevel Quiet, bool Supported = true);

    // tor's CMDLINE_ONLY_OPTIONS, with those torrelay does not implement marked.
    private static readonly Flag[] Flags =
    [
        new("--torrc-file", "-f", Arg.Necessary, null, QuietLevel.None),
        new("--allow-missing-torrc", null, Arg.None, null, QuietLevel.None),
        new("--ignore-missing-torrc", null, Arg.None, null, QuietLevel.None),
        new("--defaults-torrc", null, Arg.Necessary, null, QuietLevel.None),
        new("--list-fingerprint", null, Arg.Optional, RelayCommand.ListFingerprint, QuietLevel.None),
        new("--verify-config", null, Arg.None, RelayCommand.VerifyConfig, QuietLevel.None),
        new("--quiet", null, Arg.None, null, QuietLevel.Silent),
        new("--hush", null, Arg.None, null, QuietLevel.Hush),
        new("--version", null, Arg.None, RelayCommand.Version, QuietLevel.Hush),
        new("--help", "-h", Arg.None, RelayCommand.Help, QuietLevel.Hush),
        new("--list-torrc-options", null, Arg.None, RelayCommand.ListTorrcOptions, QuietLevel.Hush),
        new("--hash-password", null, Arg.Necessary, null, QuietLevel.Hush, Supported: false),
        new("--dump-config", null, Arg.Optional, null, QuietLevel.Silent, Supported: false),
        new("--keygen", null, Arg.None, null, QuietLevel.None, Supported: false),
        new("--key-expiration", null, Arg.Optional, null, QuietLevel.None, Supported: false),
        new("--format", null, Arg.Necessary, null, QuietLevel.None, Supported: false),
        new("--newpass", null, Arg.None, null, QuietLevel.None, Supported: false),
        new("--no-passphrase", null, Arg.None, null, QuietLevel.None, Supported: false),
        new("--passphrase-fd", null, Arg.Necessary, null, QuietLevel.None, Supported: false),
        new("--list-modules", null, Arg.None, null, QuietLevel.Hush, Supported: false),
        new("--library-versions", null, Arg.None, null, QuietLevel.Hush, Supported: false),
        new("--list-deprecated-options", null, Arg.None, null, QuietLevel.None, Supported: false),
        new("--nt-service", null, Arg.None, null, QuietLevel.None, Supported: false),
        new("-nt-service", null, Arg.None, null, QuietLevel.None, Supported: false),
        new("--dbg-dump-subsystem-list", null, Arg.None, null, QuietLevel.Hush, Supported: false),
    ];

    /// <summary>Parses argv (without the program name).</summary>
    /// <exception cref="ConfigException">A flag without its value, or a tor flag torrelay lacks.</exception>
    public static CommandLineOptions Parse(IReadOnlyList<string> args)
    {
        var result = new CommandLineOptions();
        var overrides = new List<ConfigLine>();
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            Flag? flag = Flags.FirstOrDefault(f => a == f.Name || a == f.Short);
            bool isLast = i == args.Count - 1;
            if (flag is not null)
            {
                if (!flag.Supported)
                    throw new ConfigException(Source, 0, $"'{a}' is a tor command that torrelay does not support.");
                string? value = null;
                if (flag.Takes == Arg.Necessary)
                {
                    if (isLast)
                        throw new ConfigException(Source, 0, $"Command-line option '{a}' with no value. Failing.");
                    value = args[++i];
                }
                else if (flag.Takes == Arg.Optional && !isLast && !args[i + 1].StartsWith('-'))
                {
                    value = args[++i];
                }
                result = Apply(result, flag, value);
                continue;
            }

            // Any other keyword is a torrc option, with one or two dashes (or none), and maybe + or /.
            string key = a.StartsWith("--", StringComparison.Ordinal) ? a[2..] : a.StartsWith('-') ? a[1..] : a;
            var command = ConfigLineCommand.Normal;
            if (key.StartsWith('+'))
            {
                command = ConfigLineCommand.Append;
                key = key[1..];
            }
            else if (key.StartsWith('/'))
            {
                command = ConfigLineCommand.Clear;
                key = key[1..];
            }
            if (key.Length == 0)
                throw new ConfigException(Source, 0, $"Invalid command-line argument '{a}'.");
            string optionValue = "";
            if (command != ConfigLineCommand.Clear)
            {
                if (isLast)
                    throw new ConfigException(Source, 0, $"Command-line option '{a}' with no value. Failing.");
                optionValue = args[++i].Trim();
            }
            overrides.Add(new ConfigLine(key, optionValue, Source, 0, command));
        }
        return result with { Overrides = overrides };
    }

    private static CommandLineOptions Apply(CommandLineOptions o, Flag flag, string? value)
    {
        if (flag.Quiet > o.Quiet)
            o = o with { Quiet = flag.Quiet };
        if (flag.Command is { } command)
            o = o with { Command = command };
        return flag.Name switch
        {
            "--torrc-file" => o with { TorrcPath = value },
            "--defaults-torrc" => o with { DefaultsTorrcPath = value },
            "--allow-missing-torrc" or "--ignore-missing-torrc" => o with { AllowMissingTorrc = true },
            _ => o,
        };
    }

    /// <summary>The text for <c>--help</c>.</summary>
    public static string Usage =>
        """
        torrelay: a Tor relay (guard/middle) configured like tor.

        torrelay [-f <torrc>] [options] [--Option value ...]
          -f, --torrc-file FILE     read the configuration from FILE (default /etc/torrelay/torrc)
          --defaults-torrc FILE     read defaults from FILE first
          --allow-missing-torrc     do not fail if the -f file does not exist
          --verify-config           check the configuration and exit
          --list-fingerprint        print the nickname and identity fingerprint and exit
          --list-torrc-options      list the options torrelay accepts
          --quiet, --hush           log nothing / only warnings until the Log options apply
          --version, -h, --help
          --Option value            set any torrc option (+Option appends, /Option clears)
        See tor(1) for the options; torrelay accepts the same names and syntax.
        """;
}
