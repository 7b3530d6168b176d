namespace TorRelay.TestNet;

/// <summary>One line of a control-port reply (control-spec §2.3); <see cref="Data"/> holds a "+" line's data block.</summary>
public sealed record ControlReplyLine(int Status, string Text, string? Data);

/// <summary>A complete control-port reply or asynchronous event (status 650).</summary>
public sealed record ControlReply(IReadOnlyList<ControlReplyLine> Lines)
{
    /// <summary>The status of the final line.</summary>
    public int Status => Lines[^1].Status;

    public bool IsOk => Status == 250;

    /// <summary>Text of the first line; for events, "ORCONN $FP~nick CONNECTED ...".</summary>
    public string Text => Lines[0].Text;

    public override string ToString() =>
        string.Join("\n", Lines.Select(l => $"{l.Status} {l.Text}" + (l.Data is null ? "" : "\n" + l.Data)));
}
