%% The BEAM side of the term codec benchmark: term_to_binary and
%% binary_to_term on bench/data/message.term, in ETF bytes per second.
%% Run by scripts/bench: erl -noshell -pa DIR -s term_codec main FILE -s init stop
-module(term_codec).
-export([main/1]).

main([File]) ->
    {ok, [Msg]} = file:consult(atom_to_list(File)),
    Bin = term_to_binary(Msg, [{minor_version, 2}]),
    Size = byte_size(Bin),
    report(etf_encode, Size, fun() -> term_to_binary(Msg, [{minor_version, 2}]) end),
    report(etf_decode, Size, fun() -> binary_to_term(Bin) end).

%% Runs F in batches until a second has passed; prints bytes per second.
report(Name, Size, F) ->
    F(),
    {N, Us} = run(F, 1000, 0, 0),
    io:format("~s ~.1f~n", [Name, N * Size / (Us / 1.0e6) / 1.0e6]).

run(_F, _Batch, N, Us) when Us >= 1000000 -> {N, Us};
run(F, Batch, N, Us) ->
    {T, _} = timer:tc(fun() -> loop(F, Batch) end),
    run(F, Batch, N + Batch, Us + T).

loop(_F, 0) -> ok;
loop(F, K) -> F(), loop(F, K - 1).
