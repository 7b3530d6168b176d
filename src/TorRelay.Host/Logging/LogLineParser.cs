namespace TorRelay.Host.Logging;

/// <summary>Parses a Log value as tor's parse_log_severity_config plus options_init_logs.</summary>
public static class LogLineParser
{
    /// <summary>tor's logging domains (lib/log/log.c domain_list).</summary>
    public static readonly IReadOnlyList<string> Domains =
    [
        "general", "crypto", "net", "config", "fs", "protocol", "mm", "http", "app", "control", "circ", "rend",
        "bug", "dir", "dirserv", "or", "edge", "acct", "hist", "handshake", "heartbeat", "channel", "sched", "guard",
        "consdiff", "dos", "process", "pt", "btrack", "mesg",
    ];

    public static bool TryParse(string value, out LogSinkConfig? sink, out string error)
    {
        sink = null;
        string cfg = value.TrimStart();
        var ranges = new List<LogSeverityRange>();
        int unqualified = 0;
        while (cfg.Length > 0)
        {
            List<string>? domains = null;
            if (cfg[0] == '[')
            {
                int close = cfg.IndexOf(']');
                if (close < 0)
                    return Fail(value, "missing ']'", out error);
                domains = [];
                bool all = false;
                foreach (string raw in cfg[1..close].Split(',', StringSplitOptions.TrimEntries))
                {
                    if (raw == "*")
                    {
                        all = true;
                        continue;
                    }
                    string name = raw.StartsWith('~') ? raw[1..] : raw;
                    if (!Domains.Contains(name, StringComparer.OrdinalIgnoreCase))
                        return Fail(value, $"No such logging domain as {name}", out error);
                    domains.Add(raw);
                }
                // "*" is every domain, so only negations still restrict it (as in tor).
                if (all)
                    domains = domains.Where(d => d.StartsWith('~')).ToList();
                if (all && domains.Count == 0)
                    domains = null;
                cfg = cfg[(close + 1)..].TrimStart();
            }
            else
            {
                unqualified++;
            }

            if (StartsWithDestination(cfg))
                break;
            if (unqualified > 1)
                return Fail(value, "only one severity range without domains is allowed", out error);

            int space = cfg.IndexOfAny([' ', '\t']);
            string token = space < 0 ? cfg : cfg[..space];
            int dash = token.IndexOf('-');
            string lo = dash < 0 ? token : token[..dash];
            string hi = dash < 0 ? "err" : token[(dash + 1)..];
            if (!TorLogSeverities.TryParse(lo, out TorLogSeverity min) || !TorLogSeverities.TryParse(hi, out TorLogSeverity max))
                return Fail(value, $"unknown severity in '{token}'", out error);
            ranges.Add(new LogSeverityRange(min, max, domains));
            cfg = space < 0 ? "" : cfg[space..].TrimStart();
        }
        if (ranges.Count == 0)
            return Fail(value, "no severity given", out error);

        // options_init_logs: the rest splits into at most two words; nothing means stdout.
        string[] elts = cfg.Split([' ', '\t'], 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        LogDestination destination;
        string? path = null;
        if (elts.Length == 0 || (elts.Length == 1 && elts[0].Equals("stdout", StringComparison.OrdinalIgnoreCase)))
            destination = LogDestination.Stdout;
        else if (elts.Length == 1 && elts[0].Equals("stderr", StringComparison.OrdinalIgnoreCase))
            destination = LogDestination.Stderr;
        else if (elts.Length == 1 && elts[0].Equals("syslog", StringComparison.OrdinalIgnoreCase))
            destination = LogDestination.Syslog;
        else if (elts.Length == 2 && elts[0].Equals("file", StringComparison.OrdinalIgnoreCase))
        {
            destination = LogDestination.File;
            path = Config.ValueParsers.ExpandHome(elts[1]);
        }
        else
            return Fail(value, "expected stdout, stderr, syslog or file FILENAME", out error);

        sink = new LogSinkConfig(destination, path, ranges, value);
        error = "";
        return true;
    }

    private static bool StartsWithDestination(string cfg) =>
        cfg.StartsWith("file", StringComparison.OrdinalIgnoreCase) ||
        cfg.StartsWith("stderr", StringComparison.OrdinalIgnoreCase) ||
        cfg.StartsWith("stdout", StringComparison.OrdinalIgnoreCase) ||
        cfg.StartsWith("syslog", StringComparison.OrdinalIgnoreCase);

    private static bool Fail(string value, string why, out string error)
    {
        error = $"Couldn't parse log levels in Log option 'Log {value}': {why}";
        return false;
    }
}
