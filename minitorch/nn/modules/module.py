"""``nn.Module``: the base class of layers and models, with torch's registration semantics.

Assigning a Parameter, a Module or (for names registered as buffers) a Tensor to an
attribute registers it, exactly as torch's ``Module.__setattr__`` does; ``state_dict``
and ``load_state_dict`` use the same dotted key names as torch, so checkpoints move
between the two engines.
"""
from collections import OrderedDict, namedtuple
import itertools

from ...tensor import Tensor
from ...autograd import grad_mode
from ...autograd.function import Op, _RemovableHandle
from ..parameter import Parameter


class _IncompatibleKeys(namedtuple('IncompatibleKeys', ['missing_keys', 'unexpected_keys'])):
    def __repr__(self):
        if not self.missing_keys and not self.unexpected_keys:
            return '<All keys matched successfully>'
        return super().__repr__()

    __str__ = __repr__


def _type_name(value):
    if isinstance(value, Tensor):
        return 'minitorch.' + {'float32': 'FloatTensor', 'float64': 'DoubleTensor', 'int64': 'LongTensor'}.get(
            value.dtype.name, value.dtype.name)
    return type(value).__name__


class Module:
    """Base class for all neural-network modules; subclass it and define ``forward``."""

    training: bool

    def __init__(self, *args, **kwargs):
        if args or kwargs:
            raise TypeError(f"{type(self).__name__}.__init__() got unexpected arguments; Module.__init__ "
                            "takes none (call super().__init__() with no arguments)")
        d = self.__dict__
        d['training'] = True
        d['_parameters'] = OrderedDict()
        d['_buffers'] = OrderedDict()
        d['_non_persistent_buffers_set'] = set()
        d['_modules'] = OrderedDict()
        d['_forward_pre_hooks'] = OrderedDict()
        d['_forward_hooks'] = OrderedDict()
        d['_backward_hooks'] = OrderedDict()

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f'Module [{type(self).__name__}] is missing the required "forward" function')

    # -- calling ------------------------------------------------------------------------------
    def __call__(self, *args, **kwargs):
        if not (self._forward_pre_hooks or self._forward_hooks or self._backward_hooks):
            return self.forward(*args, **kwargs)
        return self._call_with_hooks(args, kwargs)

    def _call_with_hooks(self, args, kwargs):
        for hook in list(self._forward_pre_hooks.values()):
            result = hook(self, args)
            if result is not None:
                args = result if isinstance(result, tuple) else (result,)
        bw = None
        if self._backward_hooks and grad_mode.enabled:
            bw = _BackwardHookState(self)
            args = bw.wrap_inputs(args)
        out = self.forward(*args, **kwargs)
        for hook in list(self._forward_hooks.values()):
            result = hook(self, args, out)
            if result is not None:
                out = result
        if bw is not None:
            out = bw.wrap_outputs(out)
        return out

    def register_forward_pre_hook(self, hook):
        """``hook(module, args)`` runs before forward; a returned value replaces the args."""
        return _add_hook(self._forward_pre_hooks, hook)

    def register_forward_hook(self, hook):
        """``hook(module, args, output)`` runs after forward; a returned value replaces the output."""
        return _add_hook(self._forward_hooks, hook)

    def register_full_backward_hook(self, hook):
        """``hook(module, grad_input, grad_output)`` runs when the gradients w.r.t. the module's
        inputs are computed; a returned tuple replaces ``grad_input``."""
        return _add_hook(self._backward_hooks, hook)

    # -- attribute registration ---------------------------------------------------------------
    def __setattr__(self, name, value):
        d = self.__dict__
        params = d.get('_parameters')
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            _remove_from(self, name)
            self.register_parameter(name, value)
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(f"cannot assign '{_type_name(value)}' as parameter '{name}' "
                                "(minitorch.nn.Parameter or None expected)")
            params[name] = None
        elif isinstance(value, Module):
            if d.get('_modules') is None:
                raise AttributeError("cannot assign module before Module.__init__() call")
            _remove_from(self, name)
            d['_modules'][name] = value
        elif d.get('_modules') is not None and name in d['_modules']:
            if value is not None:
                raise TypeError(f"cannot assign '{_type_name(value)}' as child module '{name}' "
                                "(minitorch.nn.Module or None expected)")
            d['_modules'][name] = None
        elif d.get('_buffers') is not None and name in d['_buffers']:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"cannot assign '{_type_name(value)}' as buffer '{name}' "
                                "(minitorch.Tensor or None expected)")
            d['_buffers'][name] = value
        else:
            object.__setattr__(self, name, value)

    def __getattr__(self, name):
        d = self.__dict__
        for store in ('_parameters', '_buffers', '_modules'):
            s = d.get(store)
            if s is not None and name in s:
                return s[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name):
        for store in ('_parameters', '_buffers', '_modules'):
            s = self.__dict__[store]
            if name in s:
                del s[name]
                self._non_persistent_buffers_set.discard(name)
                return
        object.__delattr__(self, name)

    def __dir__(self):
        keys = list(super().__dir__()) + list(self._parameters) + list(self._buffers) + list(self._modules)
        return sorted(set(k for k in keys if not k[0].isdigit()))

    def register_parameter(self, name, param):
        """Add a parameter (or None) under ``name``."""
        _check_name(self, name, '_parameters', 'parameter')
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"cannot assign '{_type_name(param)}' object to parameter '{name}' "
                            "(minitorch.nn.Parameter or None required)")
        if param is not None and param.grad_fn is not None:
            raise ValueError(f"Cannot assign non-leaf Tensor to parameter '{name}'. Model parameters must be "
                             "created explicitly. To express '{name}' as a function of another Tensor, compute "
                             "the value in the forward() method.")
        self._parameters[name] = param

    def register_buffer(self, name, tensor, persistent=True):
        """Add a buffer: state that is not a parameter (e.g. running means); saved in
        ``state_dict`` unless ``persistent=False``."""
        _check_name(self, name, '_buffers', 'buffer')
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"cannot assign '{_type_name(tensor)}' object to buffer '{name}' "
                            "(minitorch Tensor or None required)")
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers_set.discard(name)
        else:
            self._non_persistent_buffers_set.add(name)

    def add_module(self, name, module):
        """Add a child module under ``name``."""
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{_type_name(module)} is not a Module subclass")
        if not isinstance(name, str):
            raise TypeError(f"module name should be a string. Got {type(name).__name__}")
        if '.' in name or name == '':
            raise KeyError(f'module name can\'t contain ".", got: {name}' if name else 'module name can\'t be empty string ""')
        if hasattr(self, name) and name not in self._modules:
            raise KeyError(f"attribute '{name}' already exists")
        self._modules[name] = module

    register_module = add_module

    def get_submodule(self, target):
        mod = self
        for item in target.split('.') if target else []:
            if item not in mod._modules:
                raise AttributeError(f"{type(mod).__name__} has no attribute `{item}`")
            mod = mod._modules[item]
        return mod

    # -- traversal ----------------------------------------------------------------------------
    def _named_members(self, get_members, prefix='', recurse=True, remove_duplicate=True):
        memo = set()
        modules = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) if recurse \
            else [(prefix, self)]
        for mod_prefix, mod in modules:
            for k, v in get_members(mod):
                if v is None or (remove_duplicate and id(v) in memo):
                    continue
                if remove_duplicate:
                    memo.add(id(v))
                yield (mod_prefix + ('.' if mod_prefix else '') + k, v)

    def parameters(self, recurse=True):
        """The module's parameters (and its descendants' when ``recurse``), each once."""
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_parameters(self, prefix='', recurse=True, remove_duplicate=True):
        yield from self._named_members(lambda m: m._parameters.items(), prefix, recurse, remove_duplicate)

    def buffers(self, recurse=True):
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    def named_buffers(self, prefix='', recurse=True, remove_duplicate=True):
        yield from self._named_members(lambda m: m._buffers.items(), prefix, recurse, remove_duplicate)

    def children(self):
        for _, m in self.named_children():
            yield m

    def named_children(self):
        memo = set()
        for name, m in self._modules.items():
            if m is not None and id(m) not in memo:
                memo.add(id(m))
                yield name, m

    def modules(self):
        for _, m in self.named_modules():
            yield m

    def named_modules(self, memo=None, prefix='', remove_duplicate=True):
        """(dotted name, module) for this module and every descendant, depth first."""
        if memo is None:
            memo = set()
        if id(self) in memo:
            return
        if remove_duplicate:
            memo.add(id(self))
        yield prefix, self
        for name, m in self._modules.items():
            if m is None:
                continue
            yield from m.named_modules(memo, prefix + ('.' if prefix else '') + name, remove_duplicate)

    # -- state --------------------------------------------------------------------------------
    def state_dict(self, *args, destination=None, prefix='', keep_vars=False):
        """An OrderedDict of every parameter and persistent buffer under torch's dotted names,
        detached from the graph (unless ``keep_vars``)."""
        if args:  # torch's deprecated positional form: state_dict(destination, prefix, keep_vars)
            destination = args[0]
            prefix = args[1] if len(args) > 1 else prefix
            keep_vars = args[2] if len(args) > 2 else keep_vars
        if destination is None:
            destination = OrderedDict()
        for name, p in self._parameters.items():
            if p is not None:
                destination[prefix + name] = p if keep_vars else p.detach()
        for name, b in self._buffers.items():
            if b is not None and name not in self._non_persistent_buffers_set:
                destination[prefix + name] = b if keep_vars else b.detach()
        for name, m in self._modules.items():
            if m is not None:
                m.state_dict(destination=destination, prefix=prefix + name + '.', keep_vars=keep_vars)
        return destination

    def load_state_dict(self, state_dict, strict=True, assign=False):
        """Copy parameters and buffers from ``state_dict``; returns (missing_keys, unexpected_keys).

        With ``strict`` (the default), missing or unexpected keys raise; a shape mismatch
        always raises, naming the key and both shapes.
        """
        if not hasattr(state_dict, 'keys'):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict).__name__}.")
        own = self.state_dict(keep_vars=True)
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        errors = []
        for key, target in own.items():
            if key not in state_dict:
                continue
            value = state_dict[key]
            if not isinstance(value, Tensor):
                errors.append(f'While copying the parameter named "{key}", expected minitorch.Tensor or Tensor-like '
                              f'object from checkpoint but received {type(value).__name__}')
                continue
            if tuple(value.shape) != tuple(target.shape):
                errors.append(f"size mismatch for {key}: copying a param with shape {value.shape} from checkpoint, "
                              f"the shape in current model is {target.shape}.")
                continue
            with grad_mode.no_grad():
                if assign:
                    _assign(self, key, value)
                else:
                    target.copy_(value)
        if strict:
            if unexpected:
                errors.insert(0, 'Unexpected key(s) in state_dict: ' + ', '.join(f'"{k}"' for k in unexpected) + '. ')
            if missing:
                errors.insert(0, 'Missing key(s) in state_dict: ' + ', '.join(f'"{k}"' for k in missing) + '. ')
        if errors:
            raise RuntimeError(f"Error(s) in loading state_dict for {type(self).__name__}:\n\t" + '\n\t'.join(errors))
        return _IncompatibleKeys(missing, unexpected)

    # -- modes and conversions ----------------------------------------------------------------
    def train(self, mode=True):
        """Set training mode (dropout active, batch norm uses batch statistics); returns self."""
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        for m in self.modules():
            m.__dict__['training'] = mode
        return self

    def eval(self):
        """Set evaluation mode (``train(False)``); returns self."""
        return self.train(False)

    def requires_grad_(self, requires_grad=True):
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none=True):
        """Reset the gradients of all parameters (to None by default, as torch does)."""
        for p in self.parameters():
            if p.grad is None:
                continue
            if set_to_none:
                p.grad = None
            else:
                p.grad = p.grad.detach()
                p.grad.zero_()

    def apply(self, fn):
        """Call ``fn`` on every submodule (children first) and on self; returns self."""
        for m in self.children():
            m.apply(fn)
        fn(self)
        return self

    def _apply(self, convert):
        """Replace every parameter's and buffer's values with ``convert(tensor)``, keeping the
        Parameter objects (optimizers hold references to them)."""
        for m in self.modules():
            for store in (m._parameters, m._buffers):
                for name, t in store.items():
                    if t is None:
                        continue
                    new = convert(t)
                    if new is t:
                        continue
                    if isinstance(t, Parameter):
                        t.array = new.array
                        if t.grad is not None:
                            t.grad = convert(t.grad)
                    else:
                        store[name] = new
        return self

    def to(self, *args, **kwargs):
        """Move and/or cast parameters and buffers: ``to(device)``, ``to(dtype)``, ``to(tensor)``.
        Only floating-point tensors change dtype, as in torch. Returns self."""
        from ...ops.convert import _parse_to_args
        dev, dt, _ = _parse_to_args(args, dict(kwargs))
        if dt is not None and not dt.is_floating_point:
            raise TypeError(f"nn.Module.to only accepts floating point dtypes, but got desired dtype={dt}")

        def convert(t):
            out = t
            if dev is not None:
                out = out.to(dev)
            if dt is not None and out.is_floating_point():
                out = out.to(dt)
            return out
        return self._apply(convert)

    def cpu(self):
        return self.to('cpu')

    def cuda(self, device=None):
        return self.to('cuda' if device is None else device)

    def float(self):
        return self._apply(lambda t: t.float() if t.is_floating_point() else t)

    def double(self):
        return self._apply(lambda t: t.double() if t.is_floating_point() else t)

    def half(self):
        return self._apply(lambda t: t.half() if t.is_floating_point() else t)

    # -- printing -----------------------------------------------------------------------------
    def extra_repr(self):
        """The text inside this module's parentheses in ``repr`` (override in layers)."""
        return ''

    def _get_name(self):
        return type(self).__name__

    def __repr__(self):
        lines = []
        extra = self.extra_repr()
        if extra:
            lines.extend(extra.split('\n'))
        for name, m in self._modules.items():
            text = repr(m).replace('\n', '\n  ')
            lines.append(f'({name}): {text}')
        main = self._get_name() + '('
        if lines:
            if len(lines) == 1 and not self._modules:
                main += lines[0]
            else:
                main += '\n  ' + '\n  '.join(lines) + '\n'
        return main + ')'

    def __setstate__(self, state):
        self.__dict__.update(state)


def _add_hook(store, hook):
    key = next(_hook_ids)
    store[key] = hook
    return _DictHandle(store, key)


_hook_ids = itertools.count()


class _DictHandle(_RemovableHandle):
    def remove(self):
        self._container.pop(self._item, None)


def _remove_from(module, name):
    d = module.__dict__
    d.pop(name, None)
    for store in ('_parameters', '_buffers', '_modules'):
        if name in d[store]:
            del d[store][name]
    d['_non_persistent_buffers_set'].discard(name)


def _check_name(module, name, store, what):
    if not isinstance(name, str):
        raise TypeError(f"{what} name should be a string. Got {type(name).__name__}")
    if '.' in name:
        raise KeyError(f'{what} name can\'t contain "."')
    if name == '':
        raise KeyError(f'{what} name can\'t be empty string ""')
    if name in module.__dict__ or (hasattr(type(module), name)):
        raise KeyError(f"attribute '{name}' already exists")
    for other in ('_parameters', '_buffers', '_modules'):
        if other != store and name in module.__dict__[other]:
            raise KeyError(f"attribute '{name}' already exists")


def _assign(module, key, value):
    *path, leaf = key.split('.')
    owner = module.get_submodule('.'.join(path))
    if leaf in owner._parameters:
        owner._parameters[leaf] = value if isinstance(value, Parameter) else Parameter(value)
    else:
        owner._buffers[leaf] = value


# -- full backward hooks ------------------------------------------------------------------------

class _Identity(Op):
    saves = ()
    backward_name = 'BackwardHookFunctionBackward'

    def __init__(self, on_grad):
        self.on_grad = on_grad

    def forward(self, a):
        return a

    def backward(self, grad):
        new = self.on_grad(grad)
        return (grad if new is None else new,)


class _BackwardHookState:
    """Wraps a module call's inputs and output in identity nodes, so that the module's
    backward hooks see (grad_input, grad_output) as torch's full backward hooks do."""

    def __init__(self, module):
        self.module = module
        self.grad_output = None
        self.n_inputs = 0

    def wrap_inputs(self, args):
        self.input_positions = [i for i, a in enumerate(args) if isinstance(a, Tensor) and a.requires_grad]
        if len(self.input_positions) > 1:
            raise NotImplementedError("minitorch's full backward hooks support modules with one input that "
                                      "requires grad")
        if not self.input_positions:
            return args
        args = list(args)
        i = self.input_positions[0]
        args[i] = _Identity(self._on_input_grad)(args[i])
        return tuple(args)

    def wrap_outputs(self, out):
        if not isinstance(out, Tensor) or not out.requires_grad:
            return out
        return _Identity(self._on_output_grad)(out)

    def _run_hooks(self, grad_input):
        for hook in list(self.module._backward_hooks.values()):
            result = hook(self.module, grad_input, (self.grad_output,))
            if result is not None:
                grad_input = tuple(result)
        return grad_input

    def _on_output_grad(self, grad):
        self.grad_output = grad
        if not self.input_positions:  # no input needs a gradient: torch calls the hook with None
            self._run_hooks((None,))
        return None

    def _on_input_grad(self, grad):
        result = self._run_hooks((grad,))
        return result[0]
