"""The admin standing up to a page posted back with values no one could choose (an
id edited into it by hand): a form error or a message where Django had a 500."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IS_POPUP_VAR, TO_FIELD_VAR, IncorrectLookupParameters
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.utils.http import urlencode


class CheckedAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete, which looks the chosen value up to name it when the
    form comes back with an error: a value that cannot be an id ("abc", edited into
    the page) was a 500 there. It is left out; the field's own error says why."""

    def optgroups(self, name, value, attr=None):
        model = self.choices.queryset.model
        chosen = [v for v in value if v in (None, "") or is_an_id(model, v)]
        return super().optgroups(name, chosen, attr)


def is_an_id(model, value) -> bool:
    """Whether `value` could be a primary key of `model` at all: a number in the column's range."""
    pk = model._meta.pk
    try:
        pk.run_validators(pk.to_python(value))
    except ValidationError:
        return False
    return True


class CheckedAdmin(admin.ModelAdmin):
    """Its autocomplete fields use CheckedAutocompleteSelect, an action on rows that
    could not be ids is refused with a message, and an action the user may not take
    with a 403. First among an admin's bases."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = CheckedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changelist_instance(self, request):
        # A filter address edited by hand, or kept from an older list: Django's
        # date hierarchy fails on a year at the calendar's ends or out of reach in
        # the site's time zone (a 500), and a field it cannot read sends editors to
        # a page blaming the "database installation".
        try:
            return super().get_changelist_instance(request)
        except (IncorrectLookupParameters, OverflowError, ValueError) as error:
            raise UnreadableFilter from error

    def changelist_view(self, request, extra_context=None):
        # Before anything reads the rows: first among an admin's bases.
        picked = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if not all(is_an_id(self.model, value) for value in picked):
            self.message_user(
                request,
                "Nothing was done: the rows chosen are not in this list. Choose them again.",
                messages.WARNING,
            )
            return HttpResponseRedirect(request.get_full_path())
        # An action one may not use is a 403, not Django's silent "no action selected".
        name = request.POST.get("action") if request.method == "POST" else None
        if name:
            every = {action.name for action in self._get_base_actions()}
            if name in every and name not in self.get_actions(request):
                raise PermissionDenied
        try:
            return super().changelist_view(request, extra_context)
        except UnreadableFilter:
            not_done = "Nothing was done: " if request.method == "POST" else ""
            self.message_user(
                request,
                f"{not_done}The list could not be filtered as its address asked (a date or "
                "a field it cannot read), so it shows everything.",
                messages.WARNING,
            )
            # A picker window stays one: its rows choose, not open.
            kept = {
                name: request.GET[name]
                for name in (IS_POPUP_VAR, TO_FIELD_VAR)
                if name in request.GET
            }
            return HttpResponseRedirect(
                f"{request.path}?{urlencode(kept)}" if kept else request.path
            )


class UnreadableFilter(Exception):
    """A changelist address whose filters cannot be read."""
